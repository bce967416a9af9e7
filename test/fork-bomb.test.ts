// Issue #19 item 1: a module that starts processes at top level, with no isMainModule guard, must not fork without
// end when the runtime imports it in another process (a pool task's function module).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { descendants } from './helpers/process-tree.js';

const fixture = fileURLToPath(new URL('./fixtures/unguarded-pool.mjs', import.meta.url));

/** Runs `file`, watching how many processes it has below it; stops it if they pass 12 (a fork bomb). */
async function watch(file: string): Promise<{ done: boolean; most: number; code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  let most = 0;
  let done = false;
  void exited.then(() => (done = true));
  const deadline = Date.now() + 30_000;
  while (!done && Date.now() < deadline) {
    most = Math.max(most, descendants(child.pid!).length);
    if (most > 12) break;
    await sleep(50);
  }
  if (!done) {
    for (const pid of descendants(child.pid!)) process.kill(pid, 'SIGKILL');
    child.kill('SIGKILL');
  }
  const code = await exited;
  return { done, most, code, stdout, stderr };
}

describe('fork bomb guard', () => {
  it('an unguarded top-level Pool applying its own module’s function rejects with ERR_PROCESS_BOOTSTRAP, with a bounded number of processes', async () => {
    const { done, most, code, stdout, stderr } = await watch(fixture);
    assert.ok(done, `still running after 30 s with up to ${most} processes below it:\n${stdout}\n${stderr}`);
    assert.ok(most <= 2, `at most the pool's 2 workers run at once, saw ${most}`);
    assert.equal(code, 0);
    assert.equal(stdout.match(/started pool/g)?.length, 1, stdout);
    assert.match(stdout, /rejected ERR_PROCESS_BOOTSTRAP/);
    assert.match(stderr, /new Pool\(\) was called while this process was importing/);
    assert.match(stderr, /isMainModule\(import\.meta\)/);
    assert.match(stderr, /unguarded-pool\.mjs/);
  });

  it('an unguarded module whose passable class a child must import to decode its boot message: the child fails with ERR_PROCESS_BOOTSTRAP', async () => {
    const { done, most, code, stdout, stderr } = await watch(fileURLToPath(new URL('./fixtures/unguarded-passable.mjs', import.meta.url)));
    assert.ok(done, `still running after 30 s with up to ${most} processes below it:\n${stdout}\n${stderr}`);
    assert.ok(most <= 1, `one child at a time, saw ${most}`);
    assert.equal(code, 0);
    assert.equal(stdout.match(/started/g)?.length, 1, stdout);
    assert.match(stdout, /exitCode 1/);
    assert.match(stderr, /ERR_PROCESS_BOOTSTRAP|Process\.start\(\) was called while this process was importing/);
    assert.doesNotMatch(stdout, /point 1,2/);
  });
});
