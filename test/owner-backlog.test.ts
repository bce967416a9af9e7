// Issue #19 item 12: a process of the same user cannot make an owner refuse others by filling its listen backlog.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Process, Queue } from 'multiproc';
import { firstPut, flood, ownQueue } from './fixtures/owner-workers.mjs';

const somaxconn = (() => {
  try {
    return Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8'));
  } catch {
    return 4096;
  }
})();

describe('an owner’s listen backlog', () => {
  it('holds thousands of connects at once, and a connect refused while it is full is retried until the owner takes it', async (t) => {
    const results = new Queue<Queue<number>>();
    const owner = new Process({ target: ownQueue, args: [results] }).start();
    t.after(() => owner.kill()); // a stopped owner's watchdog cannot run: it must not outlive a failed test
    const queue = await results.get({ timeout: 30_000 });
    // Stopped, the owner accepts nothing: 5 000 connects at once fill its backlog and stay there.
    process.kill(owner.pid!, 'SIGSTOP');
    const report = new Queue<Record<string, number> | string>();
    const release = new Queue<boolean>();
    const flooder = new Process({ target: flood, args: [queue, report, 5000, release] }).start();
    const outcomes = (await report.get({ timeout: 60_000 })) as Record<string, number>;
    assert.ok((outcomes['ok'] ?? 0) >= Math.min(4096, somaxconn), `connects that waited in the backlog: ${JSON.stringify(outcomes)}`);
    // A process's first call now finds the backlog full: it waits for room instead of declaring the owner gone.
    const user = new Process({ target: firstPut, args: [queue, report, 'refused'] }).start();
    assert.equal(await report.get({ timeout: 30_000 }), 'refused');
    process.kill(owner.pid!, 'SIGCONT');
    assert.equal(await report.get({ timeout: 30_000 }), 'ok');
    await release.put(true);
    await Promise.all([flooder.join(), user.join()]);
    owner.kill();
    await owner.join();
  });
});
