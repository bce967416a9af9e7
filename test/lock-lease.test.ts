// Lock leases: a process that keeps taking an uncontended Lock takes it without a round trip to the
// owner, and gives the lease back when it stops, when another process waits, and when it exits.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Barrier, Condition, Event, Lock, Process, Queue, runtime, WAITERS } from 'multiproc';
import { until } from './helpers/until.js';
import {
  acquireReleaseLoop,
  appendUntilStopped,
  busyWhileGranted,
  holdUnderLease,
  holdWhileReleasedElsewhere,
  leaseThenWaitForGo,
  loopThenExit,
  loopThenIdle,
  notifyUnderLease,
  releaseThroughTheOtherProxy,
  tightLoop,
  waitWithoutHolding,
} from './fixtures/lock-workers.mjs';

describe('Lock leases', () => {
  it('1000 acquire/release pairs in a child cost a handful of messages to the owner, not 2000', async () => {
    const lock = new Lock();
    const results = new Queue<boolean>();
    const child = new Process({ target: acquireReleaseLoop, args: [lock, 1000, results] }).start();
    assert.equal(await results.get({ timeout: 30_000 }), false);
    const received = runtime().peer(child.pid!)!.counters.messagesIn;
    await child.join();
    // Boot, the queue put, the first two acquires (the second brings the lease), a release and the lease's return.
    assert.ok(received < 20, `the owner received ${received} messages`);
    assert.equal(await lock.locked(), false);
    assert.equal(await lock.acquire({ blocking: false }), true);
    assert.equal(lock.ownerDied, false);
    await lock.release();
  });

  it('a lessee that keeps the lock busy across I/O gives it up when another process waits (no starvation)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'multiproc-lease-'));
    const lock = new Lock();
    const stop = new Event();
    const started = new Event();
    const child = new Process({ target: appendUntilStopped, args: [lock, join(dir, 'log'), stop, started] }).start();
    assert.equal(await started.wait({ timeout: 30_000 }), true);
    // The child re-takes the lock in the same run of code that released it, turn after turn: only the
    // revocation gets it back. Without it this acquire would wait for ever.
    assert.equal(await lock.acquire({ timeout: 30_000 }), true);
    assert.equal(lock.ownerDied, false);
    await lock.release();
    await stop.set();
    await child.join();
    assert.equal(child.exitCode, 0);
    rmSync(dir, { recursive: true });
  });

  it('a lease goes back as soon as the lessee stops using the lock', async () => {
    const lock = new Lock();
    const ready = new Event();
    const child = new Process({ target: loopThenIdle, args: [lock, ready] }).start();
    assert.equal(await ready.wait({ timeout: 30_000 }), true);
    await until('the idle child gives its lease back', () => lock.locked(), (locked) => !locked);
    assert.equal(await lock.acquire({ blocking: false }), true, 'the idle child still holds the lease');
    assert.equal(lock.ownerDied, false);
    await lock.release();
    child.kill();
    await child.join();
  });

  it('a lessee that calls process.exit() right after its release gives the lease back: the next acquirer is not told it died', async () => {
    const lock = new Lock();
    const child = new Process({ target: loopThenExit, args: [lock] }).start();
    await child.join();
    assert.equal(child.exitCode, 0);
    assert.equal(await lock.acquire({ timeout: 30_000 }), true);
    assert.equal(lock.ownerDied, false);
    await lock.release();
  });

  it('a lessee SIGKILLed while it holds the lock under its lease releases it, and the next acquirer sees ownerDied', async () => {
    const lock = new Lock();
    const ready = new Event();
    const child = new Process({ target: holdUnderLease, args: [lock, ready] }).start();
    assert.equal(await ready.wait({ timeout: 30_000 }), true);
    assert.equal(await lock.acquire({ blocking: false }), false);
    const acquiring = lock.acquire({ timeout: 30_000 });
    child.kill();
    assert.equal(await acquiring, true);
    assert.equal(lock.ownerDied, true);
    await lock.release();
    await child.join();
  });

  it('Condition.wait() by a lessee releases the lock for the notifier, and gives it back with the lease', async () => {
    const cond = new Condition({ lock: new Lock() });
    const flag = new Queue<number>();
    const results = new Queue<boolean>();
    const child = new Process({ target: leaseThenWaitForGo, args: [cond, flag, results] }).start();
    await until('the lessee waits on the condition', () => cond[WAITERS](), (n) => n === 1);
    assert.equal(await cond.acquire({ timeout: 30_000 }), true);
    await flag.put(1);
    await cond.notifyAll();
    await cond.release();
    assert.equal(await results.get({ timeout: 30_000 }), true);
    await child.join();
    assert.equal(await cond.acquire({ timeout: 30_000 }), true);
    assert.equal(cond.lock.ownerDied, false);
    await cond.release();
  });

  it('a Condition waiter that is notified gets the lock back from a notifier holding it under a lease', async () => {
    const cond = new Condition({ lock: new Lock() });
    const started = new Event();
    const stop = new Event();
    const child = new Process({ target: notifyUnderLease, args: [cond, started, stop] }).start();
    assert.equal(await started.wait({ timeout: 30_000 }), true);
    await cond.acquire();
    // Without the revocation when a woken waiter asks for the lock back, this waits as long as the child loops (for ever).
    assert.equal(await cond.wait({ timeout: 30_000 }), true);
    await cond.release();
    await stop.set();
    await child.join();
  });

  it('a revocation that arrives with the reply granting the lease is not lost', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'multiproc-lease-'));
    const marker = join(dir, 'waiting');
    const lock = new Lock();
    const granted = new Event();
    const stop = new Event();
    const child = new Process({ target: busyWhileGranted, args: [lock, granted, stop, marker] }).start();
    assert.equal(await granted.wait({ timeout: 30_000 }), true);
    const acquiring = lock.acquire({ timeout: 30_000 });
    assert.equal(await lock[WAITERS](), 1, 'this acquire waits (this process owns the lock): the revocation is on its way');
    writeFileSync(marker, '');
    assert.equal(await acquiring, true);
    await lock.release();
    await stop.set();
    await child.join();
    assert.equal(child.exitCode, 0);
    rmSync(dir, { recursive: true });
  });

  it('a release by another process while the lessee holds the Lock frees it (as in Python); the lessee\'s own release then fails, and it can take the lock again', async () => {
    const lock = new Lock();
    const ready = new Event();
    const go = new Event();
    const done = new Event();
    const results = new Queue<[string, boolean]>();
    const child = new Process({ target: holdWhileReleasedElsewhere, args: [lock, ready, go, results, done] }).start();
    assert.equal(await ready.wait({ timeout: 30_000 }), true);
    await lock.release(); // allowed for a Lock: resolves once the lessee has given the lease back
    await go.set();
    const [release, again] = await results.get({ timeout: 30_000 });
    assert.equal(release, 'ERR_LOCK_NOT_HELD');
    assert.equal(again, true);
    assert.equal(await lock.acquire({ blocking: false }), false, 'the child holds it now: only one holder');
    await done.set();
    await child.join();
    assert.equal(await lock.acquire({ timeout: 30_000 }), true);
    await lock.release();
  });

  it('a release by another process while the lease is idle is a release of an unlocked Lock: ERR_LOCK_NOT_HELD', async () => {
    const lock = new Lock();
    const ready = new Event();
    const child = new Process({ target: loopThenIdle, args: [lock, ready] }).start();
    assert.equal(await ready.wait({ timeout: 30_000 }), true);
    await assert.rejects(lock.release(), { code: 'ERR_LOCK_NOT_HELD' });
    child.kill();
    await child.join();
  });

  it('two proxies of one Lock in one process: a release through one ends the other\'s lease, and only one can take it after', async () => {
    const lock = new Lock();
    const queue = new Queue<Lock>();
    const results = new Queue<[boolean, string, boolean, boolean]>();
    await queue.put(lock);
    const child = new Process({ target: releaseThroughTheOtherProxy, args: [lock, queue, results] }).start();
    const [distinct, release, a, b] = await results.get({ timeout: 30_000 });
    assert.equal(distinct, true);
    assert.equal(release, 'ERR_LOCK_NOT_HELD');
    assert.equal(a, true);
    assert.equal(b, false);
    await child.join();
  });

  it('Condition.wait() by a process that released the Lock it leases is refused (ERR_LOCK_NOT_HELD), and the lock stays free', async () => {
    const cond = new Condition({ lock: new Lock() });
    const results = new Queue<string>();
    const child = new Process({ target: waitWithoutHolding, args: [cond, results] }).start();
    assert.equal(await results.get({ timeout: 30_000 }), 'ERR_LOCK_NOT_HELD');
    assert.equal(await cond.acquire({ timeout: 30_000 }), true);
    assert.equal(cond.lock.ownerDied, false);
    await cond.release();
    await child.join();
  });

  it('two processes re-taking the lock in loops that never wait on I/O still take turns (a lease is only good for 1 ms)', async () => {
    const lock = new Lock();
    const results = new Queue<number[]>();
    const start = new Barrier(3);
    const children = [0, 1].map(() => new Process({ target: tightLoop, args: [lock, start, 500, results] }).start());
    await start.wait({ timeout: 60_000 });
    const [a, b] = [await results.get({ timeout: 60_000 }), await results.get({ timeout: 60_000 })];
    await Promise.all(children.map((child) => child.join()));
    const merged = [...a!.map((t) => [t, 0] as const), ...b!.map((t) => [t, 1] as const)].sort((x, y) => x[0] - y[0]);
    let handOffs = 0;
    for (let i = 1; i < merged.length; i++) if (merged[i]![1] !== merged[i - 1]![1]) handOffs++;
    // Without the lease's time limit, the first to get a lease kept it for the whole loop: 1 hand-off at most.
    assert.ok(handOffs >= 10, `${handOffs} hand-offs between the two processes (${a!.length} and ${b!.length} acquisitions)`);
  });
});
