// Issue #19 item 11: a pending get(), acquire(), release() (of a lock leased to another process), wait() or join() on an object this process owns keeps it alive
// while another process (here a daemon child, which does not keep it alive by itself) could still end the wait.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const fixture = fileURLToPath(new URL('./fixtures/waits-on-own-object.mjs', import.meta.url));

function run(mode: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [fixture, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('a process waiting on its own object', () => {
  for (const [mode, expected] of [
    ['get', 'got item'],
    ['acquire', 'acquired true'],
    ['release', 'released, locked false'],
    ['wait', 'waited true'],
    ['join', 'joined'],
  ] as const) {
    it(`${mode}() fed only by a daemon child waits for it instead of exiting silently`, async () => {
      const { code, stdout, stderr } = await run(mode);
      assert.equal(code, 0, `exit code ${code}\n${stdout}\n${stderr}`);
      assert.equal(stdout.trim(), expected);
    });
  }
});
