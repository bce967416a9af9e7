// An inline target is named by its source in errors, not as "target 'target'" (the name V8 gives a function
// written in the `target` option).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { targetLabel } from '../src/target-label.js';
import { runProgram } from './helpers.js';

test("an inline arrow target that cannot be rebuilt is named by its source, not as target 'target'", async () => {
  const result = await runProgram('inline-target.mjs');
  assert.match(result.stderr, /the inline arrow function given as target, `\(x\) => console\.log\(x \* factor\)`, was sent to the child by its source/);
  assert.doesNotMatch(result.stderr, /target 'target'/);
  assert.match(result.stdout, /exit 1/);
});

test('targetLabel: named functions by name, inline ones by their source, a function really called target by its name', () => {
  assert.equal(targetLabel({ name: 'work', source: 'function work() {}' }), "target 'work'");
  assert.equal(targetLabel({ name: 'target', source: 'function target() {}' }), "target 'target'");
  assert.equal(targetLabel({ name: 'target', source: 'async target(x) { return x; }' }), "target 'target'");
  assert.equal(targetLabel({ name: 'target', source: 'async (x) => x' }), 'the inline arrow function given as target, `async (x) => x`,');
  assert.equal(targetLabel({ name: '', source: 'function () {\n  return 1;\n}' }), 'the inline function given as target, `function () { return 1; }`,');
  assert.match(targetLabel({ name: 'target', source: `() => ${'x'.repeat(100)}` }), /`\(\) => x+…`/);
  assert.equal(targetLabel({ name: 'work', source: undefined }), "target 'work'");
});
