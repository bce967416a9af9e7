// The owner of a shared object dies: every call on it says so (ERR_OWNER_GONE), whatever point of the connection
// the death reaches (issue #19 item 9).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Process, Queue } from 'multiproc';
import { firstPut, ownQueue } from './fixtures/owner-workers.mjs';

describe('the death of an owner', () => {
  it('a first call that reaches the listener of an owner as it is SIGKILLed rejects with ERR_OWNER_GONE, not ERR_AUTH', async (t) => {
    const results = new Queue<Queue<number>>();
    const owner = new Process({ target: ownQueue, args: [results] }).start();
    t.after(() => owner.kill()); // a stopped owner's watchdog cannot run: it must not outlive a failed test
    const queue = await results.get({ timeout: 30_000 });
    // Stopped, the owner's listener still takes connections (into its backlog) but nobody answers: the state of a
    // dying owner whose socket the kernel has not closed yet.
    process.kill(owner.pid!, 'SIGSTOP');
    const report = new Queue<string>();
    const user = new Process({ target: firstPut, args: [queue, report] }).start();
    assert.equal(await report.get({ timeout: 30_000 }), 'connected');
    owner.kill();
    const outcome = await report.get({ timeout: 30_000 });
    assert.match(outcome, new RegExp(`^ERR_OWNER_GONE: Queue.put\\(\\).*process ${owner.pid}.*has exited`));
    await Promise.all([owner.join(), user.join()]);
    // A later call from a process that never connected: the socket file is still there, nobody listens.
    const late = new Process({ target: firstPut, args: [queue, report] }).start();
    assert.match(await report.get({ timeout: 30_000 }), /^ERR_OWNER_GONE/);
    await late.join();
  });
});
