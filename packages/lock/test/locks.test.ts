// The lock family used by its owner (see test/lock-processes.test.ts for other processes and deaths).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Barrier, BoundedSemaphore, Condition, Event, Lock, RLock, Semaphore } from '@multiproc/lock';

const tick = () => new Promise((r) => setImmediate(r));

describe('Lock', () => {
  it('acquire, locked, release; a second acquirer waits for the release', async () => {
    const lock = new Lock();
    assert.equal(await lock.acquire(), true);
    assert.equal(await lock.locked(), true);
    let second = false;
    const waiting = lock.acquire().then((ok) => (second = ok));
    await tick();
    assert.equal(second, false);
    await lock.release();
    await waiting;
    assert.equal(second, true);
    await lock.release();
    assert.equal(await lock.locked(), false);
  });

  it('non-blocking and timed acquires return false when it is taken', async () => {
    const lock = new Lock();
    await lock.acquire();
    assert.equal(await lock.acquire({ blocking: false }), false);
    assert.equal(await lock.acquire({ timeout: 20 }), false);
    await lock.release();
    assert.equal(await lock.acquire({ blocking: false }), true);
    await lock.release();
  });

  it('an aborted acquire rejects with ERR_ABORTED and never leaves the lock held', async () => {
    const lock = new Lock();
    await lock.acquire();
    const controller = new AbortController();
    const waiting = lock.acquire({ signal: controller.signal });
    controller.abort(new Error('no longer needed'));
    await assert.rejects(waiting, { code: 'ERR_ABORTED' });
    await lock.release();
    await tick();
    assert.equal(await lock.locked(), false);
    assert.equal(await lock.acquire({ blocking: false }), true);
  });

  it('hands off in FIFO order', async () => {
    const lock = new Lock();
    await lock.acquire();
    const order: number[] = [];
    const waiters = [1, 2, 3].map((n) => lock.acquire().then(async () => {
      order.push(n);
      await lock.release();
    }));
    await lock.release();
    await Promise.all(waiters);
    assert.deepEqual(order, [1, 2, 3]);
  });

  it('release() of an unlocked lock rejects with ERR_LOCK_NOT_HELD', async () => {
    await assert.rejects(new Lock().release(), { code: 'ERR_LOCK_NOT_HELD' });
  });

  it('runExclusive and guard release on every path', async () => {
    const lock = new Lock();
    await assert.rejects(lock.runExclusive(() => { throw new Error('inside'); }), /inside/);
    assert.equal(await lock.locked(), false);
    assert.equal(await lock.runExclusive(() => 42), 42);
    {
      await using _held = await lock.guard();
      assert.equal(await lock.locked(), true);
    }
    assert.equal(await lock.locked(), false);
    await lock.acquire();
    await assert.rejects(lock.runExclusive(() => 1, { timeout: 10 }), { code: 'ERR_TIMEOUT' });
    await lock.release();
  });
});

describe('RLock', () => {
  it('the holding process may acquire again; it is free after as many releases', async () => {
    const rlock = new RLock();
    await rlock.acquire();
    await rlock.acquire();
    await rlock.release();
    assert.equal(await rlock.locked(), true);
    await rlock.release();
    assert.equal(await rlock.locked(), false);
    await assert.rejects(rlock.release(), { code: 'ERR_LOCK_NOT_HELD' });
  });
});

describe('Semaphore and BoundedSemaphore', () => {
  it('counts permits', async () => {
    const sem = new Semaphore(2);
    await sem.acquire();
    await sem.acquire();
    assert.equal(await sem.getValue(), 0);
    assert.equal(await sem.acquire({ blocking: false }), false);
    await sem.release();
    assert.equal(await sem.getValue(), 1);
  });

  it('a plain Semaphore may be released above its start; a bounded one rejects with ERR_SEMAPHORE_OVER_RELEASE', async () => {
    const plain = new Semaphore(1);
    await plain.release();
    assert.equal(await plain.getValue(), 2);
    const bounded = new BoundedSemaphore(1);
    await assert.rejects(bounded.release(), { code: 'ERR_SEMAPHORE_OVER_RELEASE' });
    await bounded.acquire();
    await bounded.release();
  });

  it('refuses a bad value', () => {
    assert.throws(() => new Semaphore(-1), { code: 'ERR_INVALID_ARGUMENT' });
  });
});

describe('Event', () => {
  it('wait() resolves true when set, false on timeout; clear() resets', async () => {
    const event = new Event();
    assert.equal(await event.wait({ timeout: 10 }), false);
    const waiting = event.wait();
    await event.set();
    assert.equal(await waiting, true);
    assert.equal(await event.isSet(), true);
    assert.equal(await event.wait(), true);
    await event.clear();
    assert.equal(await event.isSet(), false);
  });

  it('an aborted wait rejects with ERR_ABORTED', async () => {
    const controller = new AbortController();
    const waiting = new Event().wait({ signal: controller.signal });
    controller.abort();
    await assert.rejects(waiting, { code: 'ERR_ABORTED' });
  });
});

describe('Condition', () => {
  it('wait() releases the lock until notified, then holds it again', async () => {
    const cond = new Condition();
    const items: number[] = [];
    await cond.acquire();
    const consumer = (async () => {
      const got = await cond.waitFor(() => items.length > 0);
      return got;
    })();
    await tick();
    // The consumer's wait released the lock, so the producer can take it.
    const producer = (async () => {
      await cond.acquire();
      items.push(1);
      await cond.notify();
      await cond.release();
    })();
    await producer;
    assert.equal(await consumer, true);
    await cond.release();
  });

  it('wait() returns false on timeout, holding the lock again', async () => {
    const cond = new Condition({ lock: new Lock() });
    await cond.acquire();
    assert.equal(await cond.wait({ timeout: 10 }), false);
    assert.equal(await cond.lock.acquire({ blocking: false }), false);
    await cond.release();
  });

  it('notify() without the lock rejects with ERR_LOCK_NOT_HELD; a lock of another process is refused', async () => {
    const cond = new Condition();
    await assert.rejects(cond.notify(), { code: 'ERR_LOCK_NOT_HELD' });
    await assert.rejects(cond.wait(), { code: 'ERR_LOCK_NOT_HELD' });
  });
});

describe('Barrier', () => {
  it('releases all parties together, with distinct indices, after the action ran', async () => {
    let actions = 0;
    const barrier = new Barrier(3, { action: () => actions++ });
    const indices = await Promise.all([barrier.wait(), barrier.wait(), barrier.wait()]);
    assert.deepEqual([...indices].sort(), [0, 1, 2]);
    assert.equal(actions, 1);
    assert.equal(await barrier.nWaiting(), 0);
  });

  it('a timed-out wait breaks it for every waiter; reset() repairs it', async () => {
    const barrier = new Barrier(3);
    const first = barrier.wait();
    await assert.rejects(barrier.wait({ timeout: 10 }), { code: 'ERR_BROKEN_BARRIER' });
    await assert.rejects(first, { code: 'ERR_BROKEN_BARRIER' });
    assert.equal(await barrier.broken(), true);
    await assert.rejects(barrier.wait(), { code: 'ERR_BROKEN_BARRIER' });
    await barrier.reset();
    assert.equal(await barrier.broken(), false);
  });

  it('abort() breaks it', async () => {
    const barrier = new Barrier(2);
    const waiting = barrier.wait();
    await barrier.abort();
    await assert.rejects(waiting, { code: 'ERR_BROKEN_BARRIER' });
  });
});

describe('Barrier rounds', () => {
  it('a party arriving while the action runs waits for the next round', async () => {
    const barrier = new Barrier(2, { action: () => new Promise((r) => setTimeout(r, 100)) });
    const first = barrier.wait();
    const second = barrier.wait();
    await new Promise((r) => setTimeout(r, 20));
    let lateDone = false;
    const late = barrier.wait().then((i) => ((lateDone = true), i));
    assert.deepEqual((await Promise.all([first, second])).sort(), [0, 1]);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(lateDone, false, 'the late party waits for a partner of its own round');
    const partner = barrier.wait();
    assert.deepEqual([await late, await partner].sort(), [0, 1]);
  });
});
