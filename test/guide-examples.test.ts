// The guides' own example programs (docs/examples/08-…), run as a user would run them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

function runExample(file: string) {
  const path = fileURLToPath(new URL(`../docs/examples/${file}`, import.meta.url));
  const result = spawnSync(process.execPath, ['--import', 'tsx', path], { encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, lines: result.stdout.split('\n').filter(Boolean), stderr: result.stderr };
}

describe('the guides’ examples', () => {
  it('8 (topologies): a pipeline of stages squares every number once, and a grandchild reaches the main process’s queue', () => {
    const { code, lines, stderr } = runExample('08-pipeline.ts');
    assert.equal(code, 0, stderr);
    assert.deepEqual(lines, ['squares: 1 4 9 16', 'a grandchild of the main process, started by square', 'exit codes: 0 0']);
  });
});
