// CommonJS users get CommonJS advice: the ERR_PROCESS_BOOTSTRAP of an unguarded .cjs module says
// `require.main === module`, never `isMainModule(import.meta)`, which a CommonJS module cannot write.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { guardAdvice, moduleSystem } from '../src/guard-advice.js';
import { runProgram } from './helpers.js';

test('an unguarded CommonJS module: the child fails with ERR_PROCESS_BOOTSTRAP advising require.main === module, not import.meta', async () => {
  const result = await runProgram('unguarded.cjs');
  assert.deepEqual(result.lines, ['exitCode 1']);
  assert.match(result.stderr, /ERR_PROCESS_BOOTSTRAP/);
  assert.match(result.stderr, /if \(require\.main === module\)/);
  assert.doesNotMatch(result.stderr, /import\.meta/);
  assert.doesNotMatch(result.stdout, /work ran/);
});

test('a CommonJS module guarded with require.main === module runs its target in the child', async () => {
  const result = await runProgram('guarded.cjs');
  assert.deepEqual(result.lines, ['hello world from a child', 'exitCode 0']);
});

test('moduleSystem: by extension, by the package type, and by the text of a .js/.ts in a package without one', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'module-system-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const url = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return pathToFileURL(join(dir, name)).href;
  };
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'x', type: 'commonjs' }));
  assert.equal(moduleSystem(url('a.cjs', 'import x from "y"')), 'commonjs');
  assert.equal(moduleSystem(url('a.cts', '')), 'commonjs');
  assert.equal(moduleSystem(url('a.mjs', 'module.exports = 1')), 'module');
  assert.equal(moduleSystem(url('a.mts', '')), 'module');
  assert.equal(moduleSystem(url('cjs.js', "const { Process } = require('multiproc');\nmodule.exports = {};")), 'commonjs');
  assert.equal(moduleSystem(url('esm.js', "import { Process } from 'multiproc';\n")), 'module');
  assert.equal(moduleSystem(url('esm.ts', 'export function f() {}\n')), 'module');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'x', type: 'module' }));
  assert.equal(moduleSystem(url('plain.js', 'console.log(1)')), 'module');
  assert.match(guardAdvice(url('c.cjs', '')), /require\.main === module/);
  assert.match(guardAdvice(url('m.mjs', '')), /isMainModule\(import\.meta\)/);
  assert.match(guardAdvice(undefined), /isMainModule\(import\.meta\)/);
});
