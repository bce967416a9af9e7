// The promises of Event, Condition and Barrier, for any backend (see backend.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Process, WAITERS, type Barrier, type Condition, type Event } from 'multiproc';
import { later, until, type ContractBackend, type ContractSuite } from './backend.js';
import { waitAtBarrier, waitAtBarrierUntilKilled, waitForEvent, waitOnCondition } from './fixtures/lock-parties.mjs';

const waiters = (object: Event | Condition | Barrier): Promise<number> => object[WAITERS]();

export const syncContract: ContractSuite = (backendOf) => {
  eventCases(backendOf);
  if (backendOf().condition) conditionCases(backendOf);
  if (backendOf().barrier) barrierCases(backendOf);
};

function eventCases(backendOf: () => ContractBackend): void {
  describe('Event', () => {
    it('wait() resolves true once set (every waiter), false on timeout; clear() resets', async () => {
      const event = await backendOf().event();
      assert.equal(await event.wait({ timeout: 10 }), false);
      const waiting = [event.wait(), event.wait()];
      await until('both wait', () => waiters(event), (n) => n === 2);
      await event.set();
      assert.deepEqual(await Promise.all(waiting), [true, true]);
      assert.equal(await event.isSet(), true);
      assert.equal(await event.wait(), true);
      await event.clear();
      assert.equal(await event.isSet(), false);
    });

    it('a wait aborted while it waits rejects with ERR_ABORTED and leaves no waiter; bad options are ERR_INVALID_ARGUMENT', async () => {
      const event = await backendOf().event();
      const controller = new AbortController();
      const waiting = event.wait({ signal: controller.signal });
      await until('the wait waits', () => waiters(event), (n) => n === 1);
      controller.abort();
      await assert.rejects(waiting, { code: 'ERR_ABORTED' });
      assert.equal(await waiters(event), 0);
      await assert.rejects(event.wait({ timeout: NaN }), { code: 'ERR_INVALID_ARGUMENT' });
      const wait = event.wait as unknown as (timeout: number) => Promise<boolean>;
      await assert.rejects(wait.call(event, 0.1), { code: 'ERR_INVALID_ARGUMENT', message: /Event\.wait\(\): takes an options object, got 0\.1\. .*write wait\(\{ timeout: 100 \}\)/ });
    });

    if (!backendOf().capabilities.crossProcess) return;

    it('set() wakes a waiter in another process', async () => {
      const backend = backendOf();
      const event = await backend.event();
      const results = await backend.queue<[string, unknown]>();
      const child = new Process({ target: waitForEvent, args: [event, results] }).start();
      await until('the remote wait waits', () => waiters(event), (n) => n === 1);
      await event.set();
      assert.deepEqual(await results.get({ timeout: 30_000 }), ['waited', true]);
      await child.join();
    });

    for (const how of ['timeout', 'signal'] as const) {
      it(`a wait() in another process cancelled by its ${how} leaves no waiter; a later set() wakes the next waiter`, async () => {
        const backend = backendOf();
        const event = await backend.event();
        const results = await backend.queue<[string, unknown]>();
        const cancelNow = await backend.event();
        const child = new Process({ target: waitForEvent, args: [event, results, how, 2000, cancelNow] }).start();
        await until('the remote wait waits', () => waiters(event), (n) => n === 1);
        await cancelNow.set();
        assert.deepEqual(await results.get({ timeout: 30_000 }), how === 'timeout' ? ['waited', false] : ['error', 'ERR_ABORTED']);
        await until('no waiter left', () => waiters(event), (n) => n === 0);
        const next = event.wait();
        await event.set();
        assert.equal(await next, true);
        await child.join();
      });
    }
  });
}

function conditionCases(backendOf: () => ContractBackend): void {
  describe('Condition', () => {
    it('wait() releases the lock until notified, then holds it again', async () => {
      const cond = await backendOf().condition!();
      const items: number[] = [];
      await cond.acquire();
      const consumer = cond.waitFor(() => items.length > 0);
      await until('the consumer waits', () => waiters(cond), (n) => n === 1);
      // Its wait released the lock, so the producer can take it.
      await cond.acquire();
      items.push(1);
      await cond.notify();
      await cond.release();
      assert.equal(await consumer, true);
      await cond.release();
    });

    it('wait() returns false on timeout, holding the lock again; an abort rejects with ERR_ABORTED, holding it again', async () => {
      const cond = await backendOf().condition!('Lock');
      await cond.acquire();
      assert.equal(await cond.wait({ timeout: 10 }), false);
      assert.equal(await cond.lock.acquire({ blocking: false }), false, 'held again');
      const controller = new AbortController();
      const waiting = cond.wait({ signal: controller.signal });
      await until('the wait waits', () => waiters(cond), (n) => n === 1);
      controller.abort();
      await assert.rejects(waiting, { code: 'ERR_ABORTED' });
      assert.equal(await cond.lock.acquire({ blocking: false }), false, 'held again');
      await cond.release();
      assert.equal(await waiters(cond), 0);
    });

    it('notify() and wait() without the lock reject with ERR_LOCK_NOT_HELD; notify(n) wakes n', async () => {
      const cond = await backendOf().condition!();
      await assert.rejects(cond.notify(), { code: 'ERR_LOCK_NOT_HELD' });
      await assert.rejects(cond.wait(), { code: 'ERR_LOCK_NOT_HELD' });
      await assert.rejects(cond.wait({ timeout: -1 }), { code: 'ERR_INVALID_ARGUMENT' });
    });

    if (!backendOf().capabilities.crossProcess) return;

    for (const how of ['timeout', 'signal', undefined] as const) {
      it(how ? `a wait() in another process cancelled by its ${how} holds the lock again, and leaves no waiter` : 'notifyAll() wakes a waiter in another process, which holds the lock again', async () => {
        const backend = backendOf();
        const cond = await backend.condition!('Lock');
        const results = await backend.queue<[string, unknown]>();
        const cancelNow = await backend.event();
        const child = new Process({ target: waitOnCondition, args: [cond, results, how, 2000, cancelNow] }).start();
        await until('the remote wait waits', () => waiters(cond), (n) => n === 1);
        if (how) {
          await cancelNow.set();
        } else {
          await cond.acquire();
          await cond.notifyAll();
          await cond.release();
        }
        const expected = how === 'timeout' ? ['waited', false] : how === 'signal' ? ['error', 'ERR_ABORTED'] : ['waited', true];
        assert.deepEqual(await results.get({ timeout: 30_000 }), expected);
        assert.deepEqual(await results.get({ timeout: 30_000 }), ['released', true], 'it held the lock again');
        assert.equal(await waiters(cond), 0);
        assert.equal(await cond.acquire({ timeout: 30_000 }), true);
        assert.equal(cond.lock.ownerDied, false);
        await cond.release();
        await child.join();
      });
    }
  });
}

function barrierCases(backendOf: () => ContractBackend): void {
  describe('Barrier', () => {
    it('releases all parties together, with distinct indices', async () => {
      const barrier = await backendOf().barrier!(3);
      assert.equal(barrier.parties, 3);
      const indices = await Promise.all([barrier.wait(), barrier.wait(), barrier.wait()]);
      assert.deepEqual([...indices].sort(), [0, 1, 2]);
      assert.equal(await barrier.nWaiting(), 0);
    });

    it('a timed-out wait breaks it for every waiter; reset() repairs it; abort() breaks it', async () => {
      const barrier = await backendOf().barrier!(3);
      const first = later(barrier.wait());
      await until('the first party waits', () => barrier.nWaiting(), (n) => n === 1);
      await assert.rejects(barrier.wait({ timeout: 10 }), { code: 'ERR_BROKEN_BARRIER' });
      await assert.rejects(first, { code: 'ERR_BROKEN_BARRIER' });
      assert.equal(await barrier.broken(), true);
      await assert.rejects(barrier.wait(), { code: 'ERR_BROKEN_BARRIER' });
      await barrier.reset();
      assert.equal(await barrier.broken(), false);
      const waiting = later(barrier.wait());
      await until('a party waits', () => barrier.nWaiting(), (n) => n === 1);
      await barrier.abort();
      await assert.rejects(waiting, { code: 'ERR_BROKEN_BARRIER' });
      await assert.rejects((await backendOf().barrier!(2)).wait({ timeout: -1 }), { code: 'ERR_INVALID_ARGUMENT' });
      await assert.rejects(backendOf().barrier!(0), { code: 'ERR_INVALID_ARGUMENT' });
    });

    if (backendOf().capabilities.creatorCallbacks) {
      it('runs its action once per round before releasing; a party arriving while it runs waits for the next round', async () => {
        let release!: () => void;
        let actions = 0;
        const barrier = await backendOf().barrier!(2, { action: () => (actions++, new Promise<void>((r) => (release = r))) });
        const round = [barrier.wait(), barrier.wait()];
        await until('the action runs', () => actions, (n) => n === 1);
        let lateDone = false;
        const late = barrier.wait().then((i) => ((lateDone = true), i));
        await until('the late party waits', () => barrier.nWaiting(), (n) => n === 2);
        release();
        assert.deepEqual((await Promise.all(round)).sort(), [0, 1]);
        assert.equal(lateDone, false, 'the late party waits for a partner of its own round');
        const partner = barrier.wait();
        await until('the second action runs', () => actions, (n) => n === 2);
        release();
        assert.deepEqual([await late, await partner].sort(), [0, 1]);
      });
    }

    if (!backendOf().capabilities.crossProcess) return;

    it('parties in three processes are released together', async () => {
      const backend = backendOf();
      const barrier = await backend.barrier!(3);
      const results = await backend.queue<[string, number]>();
      const children = [1, 2, 3].map(() => new Process({ target: waitAtBarrier, args: [barrier, results] }).start());
      const outcomes = [await results.get({ timeout: 30_000 }), await results.get({ timeout: 30_000 }), await results.get({ timeout: 30_000 })];
      assert.deepEqual(outcomes.map(([, i]) => i).sort(), [0, 1, 2]);
      await Promise.all(children.map((c) => c.join()));
    });

    for (const how of ['timeout', 'signal'] as const) {
      it(`a wait() in another process cancelled by its ${how} breaks it for every party (as in Python); reset() makes it usable again`, async () => {
        const backend = backendOf();
        const barrier = await backend.barrier!(3);
        const results = await backend.queue<[string, unknown]>();
        const cancelNow = await backend.event();
        const mine = later(barrier.wait());
        await until('this party waits', () => barrier.nWaiting(), (n) => n === 1);
        const child = new Process({ target: waitAtBarrier, args: [barrier, results, how, 2000, cancelNow] }).start();
        await until('the remote party waits', () => barrier.nWaiting(), (n) => n === 2);
        await cancelNow.set();
        assert.deepEqual(await results.get({ timeout: 30_000 }), ['error', 'ERR_BROKEN_BARRIER']);
        await assert.rejects(mine, { code: 'ERR_BROKEN_BARRIER' });
        await barrier.reset();
        assert.deepEqual((await Promise.all([barrier.wait(), barrier.wait(), barrier.wait()])).sort(), [0, 1, 2]);
        await child.join();
      });
    }

    if (backendOf().capabilities.detectsDeath) {
      it('a party SIGKILLed while it waits breaks it instead of hanging', async () => {
        const barrier = await backendOf().barrier!(3);
        const victim = new Process({ target: waitAtBarrierUntilKilled, args: [barrier] }).start();
        await until('the victim waits', () => barrier.nWaiting(), (n) => n === 1);
        const waiting = barrier.wait();
        await until('this party waits', () => barrier.nWaiting(), (n) => n === 2);
        victim.kill();
        await assert.rejects(waiting, { code: 'ERR_BROKEN_BARRIER', message: /died while waiting/ });
        await victim.join();
      });
    }
  });
}
