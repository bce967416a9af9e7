// Issue #19 item 1: a module that starts processes at top level, with no isMainModule guard, must not fork without
// end when the runtime imports it in another process (a pool task's function module).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { descendants } from './helpers/process-tree.js';

const fixture = fileURLToPath(new URL('./fixtures/unguarded-pool.mjs', import.meta.url));

describe('fork bomb guard', () => {
  it('an unguarded top-level Pool applying its own module’s function rejects with ERR_PROCESS_BOOTSTRAP, with a bounded number of processes', async () => {
    const child = spawn(process.execPath, [fixture], { stdio: ['ignore', 'pipe', 'pipe'] });
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
      if (most > 12) break; // a fork bomb: no need to watch it grow
      await sleep(50);
    }
    if (!done) {
      for (const pid of descendants(child.pid!)) process.kill(pid, 'SIGKILL');
      child.kill('SIGKILL');
    }
    const code = await exited;
    assert.ok(done, `still running after 30 s with up to ${most} processes below it:\n${stdout}\n${stderr}`);
    assert.ok(most <= 2, `at most the pool's 2 workers run at once, saw ${most}`);
    assert.equal(code, 0);
    assert.equal(stdout.match(/started pool/g)?.length, 1, stdout);
    assert.match(stdout, /rejected ERR_PROCESS_BOOTSTRAP/);
    assert.match(stderr, /new Pool\(\) was called while this process was importing/);
    assert.match(stderr, /isMainModule\(import\.meta\)/);
    assert.match(stderr, /unguarded-pool\.mjs/);
  });
});
