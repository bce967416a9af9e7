// The owner-side parts of the lock family, without processes (the promises of the public classes, for every
// backend, are in test/contract/).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forgetOne, SELF, type Holder } from '../src/local/holder.js';
import { Permits } from '../src/local/permits.js';
import { PermitsState } from '../src/local/permits-state.js';

describe('Permits', () => {
  it('a release hands the permit to the longest waiter inside release(): its grant is recorded before release() returns', async () => {
    const permits = new Permits(0);
    const granted: number[] = [];
    const first = permits.wait(undefined, () => granted.push(1));
    const second = permits.wait(undefined, () => granted.push(2));
    assert.equal(permits.waiters, 2);
    permits.release();
    assert.deepEqual(granted, [1]);
    assert.equal(permits.value, 0, 'handed over, not freed');
    permits.release();
    assert.deepEqual(granted, [1, 2]);
    await Promise.all([first, second]);
    permits.release();
    assert.equal(permits.value, 1);
  });

  it('a cancelled waiter leaves the line at once: the next release frees the permit, and tryTake() gets it', async () => {
    const permits = new Permits(0);
    const controller = new AbortController();
    const waiting = permits.wait(controller.signal, () => assert.fail('a cancelled waiter got the permit'));
    controller.abort(new Error('gave up'));
    await assert.rejects(waiting, /gave up/);
    assert.equal(permits.waiters, 0);
    permits.release();
    assert.equal(permits.tryTake(), true);
    assert.equal(permits.tryTake(), false);
    await assert.rejects(permits.wait(AbortSignal.abort(new Error('already')), () => 0), /already/);
  });

  it('release(n) serves n waiters in order, then frees the rest', () => {
    const permits = new Permits(0);
    const order: string[] = [];
    void permits.wait(undefined, () => order.push('a'));
    void permits.wait(undefined, () => order.push('b'));
    permits.release(3);
    assert.deepEqual(order, ['a', 'b']);
    assert.equal(permits.value, 1);
  });
});

describe('PermitsState', () => {
  const peer = (pid: number) => ({ pid }) as unknown as Holder;

  it('a Semaphore released by a process that did not acquire takes the count from a holder, so a dead holder gives back only what it still holds', async () => {
    const state = new PermitsState('Semaphore', 2);
    const a = peer(1);
    const b = peer(2);
    assert.equal(state.tryAcquire(a), 1);
    assert.equal(state.tryAcquire(a), 1);
    state.release(b);
    assert.equal(state.heldBy(a), 1);
    assert.equal(state.value, 1);
  });

  it('an RLock counts its depth per holder; a release of the last level frees it for the next waiter, with the grant recorded at once', async () => {
    const state = new PermitsState('RLock', 1);
    const a = peer(1);
    const b = peer(2);
    assert.equal(state.tryAcquire(a), 1);
    assert.equal(state.tryAcquire(a), 1);
    const waiting = state.acquire(b, true) as Promise<number>;
    assert.equal(state.waiters, 1);
    state.release(a);
    assert.equal(state.heldBy(b), 0);
    state.release(a);
    assert.equal(state.heldBy(b), 1, 'granted inside the release');
    assert.equal(await waiting, 1);
    assert.equal(state.tryAcquire(SELF), 0);
  });

  it('forgetOne() takes a level from the holder, or else from any holder', () => {
    const held = new Map<Holder, number>([[SELF, 2]]);
    forgetOne(held, SELF, 2);
    assert.equal(held.get(SELF), 1);
    forgetOne(held, peer(9), 0);
    assert.equal(held.has(SELF), false);
  });
});
