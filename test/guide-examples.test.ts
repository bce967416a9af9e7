// The guides' own example programs (docs/examples/08-…), run as a user would run them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runTsx } from './helpers/run-tsx.js';

async function runExample(file: string) {
  const { code, stdout, stderr } = await runTsx(fileURLToPath(new URL(`../docs/examples/${file}`, import.meta.url)));
  return { code, lines: stdout.split('\n').filter(Boolean), stderr };
}

describe('the guides’ examples', () => {
  it('8 (topologies): a pipeline of stages squares every number once, and a grandchild reaches the main process’s queue', async () => {
    const { code, lines, stderr } = await runExample('08-pipeline.ts');
    assert.equal(code, 0, stderr);
    assert.deepEqual(lines, ['squares: 1 4 9 16', 'a grandchild of the main process, started by square', 'exit codes: 0 0']);
  });
});
