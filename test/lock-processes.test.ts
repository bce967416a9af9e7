// The lock family of the process-local backend across real processes: how fast a dead holder's lock is handed on,
// and owners that are not the parent. The promises every backend keeps are in test/contract/.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Event, Lock, Process, Queue, WAITERS } from 'multiproc';
import { holdForever, ownAQueue, takeFromSibling } from './fixtures/lock-workers.mjs';

describe('locks across processes', () => {
  it('a Lock held by a process that is SIGKILLed is handed to the waiting acquirer within 100 ms, with ownerDied', async () => {
    const lock = new Lock();
    const ready = new Event();
    const holder = new Process({ target: holdForever, args: [lock, ready, 1] }).start();
    assert.equal(await ready.wait({ timeout: 30_000 }), true);
    const acquiring = lock.acquire({ timeout: 30_000 });
    assert.equal(await lock[WAITERS](), 1, 'the acquire waits in the owner (this process)');
    const killedAt = performance.now();
    holder.kill();
    assert.equal(await acquiring, true);
    const latency = performance.now() - killedAt;
    assert.equal(lock.ownerDied, true);
    // The promise of docs/failure-semantics.md; the release has no timer, it follows the holder's connection closing.
    assert.ok(latency < 100, `released ${latency.toFixed(1)} ms after the kill`);
    await lock.release();
    await holder.join();
  });
});

describe('owners that are not the parent', () => {
  it('a queue owned by one child is used by a sibling directly, not through the parent', async () => {
    const results = new Queue<unknown>();
    const owner = new Process({ target: ownAQueue, args: [results] }).start();
    const siblingQueue = (await results.get({ timeout: 30_000 })) as Queue<string>;
    assert.ok(siblingQueue instanceof Queue);
    assert.equal(siblingQueue.isOwner, false);
    const reader = new Process({ target: takeFromSibling, args: [siblingQueue, results] }).start();
    assert.equal(await results.get({ timeout: 30_000 }), 'from the owner child');
    await reader.join();
    owner.kill();
    await owner.join();
  });

  it('when the owner is SIGKILLed, a proxy blocked in get() rejects with ERR_OWNER_GONE, and later calls too', async () => {
    const results = new Queue<unknown>();
    const owner = new Process({ target: ownAQueue, args: [results] }).start();
    const remote = (await results.get({ timeout: 30_000 })) as Queue<string>;
    assert.equal(await remote.get(), 'from the owner child');
    const blocked = remote.get();
    owner.kill();
    await assert.rejects(blocked, { code: 'ERR_OWNER_GONE' });
    await assert.rejects(remote.put('x'), { code: 'ERR_OWNER_GONE' });
    await owner.join();
  });
});
