// The promises of Lock, RLock, Semaphore and BoundedSemaphore, for any backend (see backend.ts).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Process, WAITERS, type Acquirable, type Lock, type RLock, type Semaphore } from 'multiproc';
import { until, type ContractBackend, type ContractSuite } from './backend.js';
import { acquireWithDeadline, countUnderLock, holdUntilKilled } from './fixtures/lock-parties.mjs';

const waiters = (lock: Acquirable): Promise<number> => lock[WAITERS]();

export const lockContract: ContractSuite = (backendOf) => {
  describe('Lock family: one process', () => {
    it('Lock: acquire, locked, release; a second acquirer waits for the release', async () => {
      const lock = (await backendOf().lock('Lock')) as Lock;
      assert.equal(await lock.acquire(), true);
      assert.equal(lock.ownerDied, false);
      assert.equal(await lock.locked(), true);
      let second = false;
      const waiting = lock.acquire().then((ok) => (second = ok));
      await until('the second acquire waits', () => waiters(lock), (n) => n === 1);
      assert.equal(second, false);
      await lock.release();
      await waiting;
      assert.equal(second, true);
      await lock.release();
      assert.equal(await lock.locked(), false);
    });

    it('non-blocking and timed acquires return false while it is taken', async () => {
      const lock = await backendOf().lock('Lock');
      await lock.acquire();
      assert.equal(await lock.acquire({ blocking: false }), false);
      assert.equal(await lock.acquire({ timeout: 20 }), false);
      assert.equal(await waiters(lock), 0);
      await lock.release();
      assert.equal(await lock.acquire({ blocking: false }), true);
      await lock.release();
    });

    it('an acquire aborted while it waits rejects with ERR_ABORTED and never leaves the lock held; the next acquirer is served', async () => {
      const lock = (await backendOf().lock('Lock')) as Lock;
      await lock.acquire();
      const controller = new AbortController();
      const waiting = lock.acquire({ signal: controller.signal });
      await until('the acquire waits', () => waiters(lock), (n) => n === 1);
      controller.abort(new Error('no longer needed'));
      await assert.rejects(waiting, { code: 'ERR_ABORTED' });
      const next = lock.acquire({ timeout: 30_000 });
      await lock.release();
      assert.equal(await next, true);
      await lock.release();
      assert.equal(await lock.locked(), false);
      await assert.rejects(lock.acquire({ signal: AbortSignal.abort() }), { code: 'ERR_ABORTED' });
    });

    it('hands off in FIFO order', async () => {
      const lock = await backendOf().lock('Lock');
      await lock.acquire();
      const order: number[] = [];
      const waiting: Promise<void>[] = [];
      for (const n of [1, 2, 3]) {
        waiting.push(lock.acquire().then(async () => {
          order.push(n);
          await lock.release();
        }));
        await until(`acquirer ${n} waits`, () => waiters(lock), (w) => w === n);
      }
      await lock.release();
      await Promise.all(waiting);
      assert.deepEqual(order, [1, 2, 3]);
    });

    it('release() of a Lock nobody holds rejects with ERR_LOCK_NOT_HELD', async () => {
      await assert.rejects((await backendOf().lock('Lock')).release(), { code: 'ERR_LOCK_NOT_HELD' });
    });

    it('runExclusive() and guard() release on every path; runExclusive() that cannot acquire in time is ERR_TIMEOUT', async () => {
      const lock = (await backendOf().lock('Lock')) as Lock;
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

    it('RLock: the holding process may acquire again; it is free after as many releases; then release is ERR_LOCK_NOT_HELD', async () => {
      const rlock = (await backendOf().lock('RLock')) as RLock;
      await rlock.acquire();
      await rlock.acquire();
      await rlock.release();
      assert.equal(await rlock.locked(), true);
      await rlock.release();
      assert.equal(await rlock.locked(), false);
      await assert.rejects(rlock.release(), { code: 'ERR_LOCK_NOT_HELD' });
    });

    it('Semaphore counts permits; a plain one may be released above its start, a bounded one rejects with ERR_SEMAPHORE_OVER_RELEASE', async () => {
      const backend = backendOf();
      const sem = (await backend.lock('Semaphore', 2)) as Semaphore;
      await sem.acquire();
      await sem.acquire();
      assert.equal(await sem.getValue(), 0);
      assert.equal(await sem.acquire({ blocking: false }), false);
      await sem.release();
      assert.equal(await sem.getValue(), 1);
      await sem.release();
      await sem.release();
      assert.equal(await sem.getValue(), 3);
      const bounded = (await backend.lock('BoundedSemaphore', 1)) as Semaphore;
      await assert.rejects(bounded.release(), { code: 'ERR_SEMAPHORE_OVER_RELEASE' });
      await bounded.acquire();
      await bounded.release();
      assert.equal(await bounded.getValue(), 1);
    });

    it('bad arguments: ERR_INVALID_ARGUMENT whether or not the lock is free, naming the form to write', async () => {
      const backend = backendOf();
      const lock = await backend.lock('Lock');
      for (const timeout of [-5, NaN, '1' as unknown as number]) {
        await assert.rejects(lock.acquire({ timeout }), { code: 'ERR_INVALID_ARGUMENT', message: /Lock\.acquire\(\): timeout must be/ }, 'on a free lock');
      }
      assert.equal(await lock.acquire(), true, 'nothing was taken by the refused calls');
      for (const timeout of [-5, NaN]) await assert.rejects(lock.acquire({ timeout }), { code: 'ERR_INVALID_ARGUMENT' }, 'on a held lock');
      const acquire = lock.acquire as unknown as (blocking: boolean, timeout?: number) => Promise<boolean>;
      await assert.rejects(acquire.call(lock, false), {
        code: 'ERR_INVALID_ARGUMENT',
        message: /Lock\.acquire\(\): takes an options object, got false\. .*write acquire\(\{ timeout: 100 \}\), or acquire\(\{ blocking: false \}\) \(timeouts are in milliseconds\)\./,
      });
      await assert.rejects(acquire.call(lock, true, 0.1), { code: 'ERR_INVALID_ARGUMENT' });
      await assert.rejects(lock.acquire({ blocking: 0 as unknown as boolean }), { code: 'ERR_INVALID_ARGUMENT' });
      await lock.release();
      await assert.rejects(backend.lock('Semaphore', -1), { code: 'ERR_INVALID_ARGUMENT' });
      await assert.rejects(backend.lock('Semaphore', 1.5), { code: 'ERR_INVALID_ARGUMENT' });
    });
  });

  if (!backendOf().capabilities.crossProcess) return;

  describe('Lock family: across processes', () => {
    it('mutual exclusion: two processes incrementing a file under a Lock lose no update', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'multiproc-contract-'));
      const file = join(dir, 'counter');
      writeFileSync(file, '0');
      const lock = await backendOf().lock('Lock');
      const workers = [1, 2].map(() => new Process({ target: countUnderLock, args: [lock, file, 200] }).start());
      await Promise.all(workers.map((w) => w.join()));
      assert.equal(readFileSync(file, 'utf8'), '400');
      rmSync(dir, { recursive: true });
    });

    for (const how of ['timeout', 'signal'] as const) {
      it(`an acquire() in another process cancelled by its ${how} while it waits holds nothing: the next acquirer is served`, async () => {
        const backend = backendOf();
        const lock = await backend.lock('Lock');
        const results = await backend.queue<[string, unknown]>();
        const cancelNow = await backend.event();
        await lock.acquire();
        const child = new Process({ target: acquireWithDeadline, args: [lock, results, how, 2000, cancelNow] }).start();
        await until('the remote acquire waits', () => waiters(lock), (n) => n === 1);
        await cancelNow.set();
        assert.deepEqual(await results.get({ timeout: 30_000 }), how === 'timeout' ? ['acquired', false] : ['error', 'ERR_ABORTED']);
        const next = lock.acquire({ timeout: 30_000 });
        await lock.release();
        assert.equal(await next, true, 'the permit went to the next acquirer, not to the cancelled one');
        assert.equal(lock.ownerDied, false);
        await lock.release();
        await child.join();
      });
    }

    if (backendOf().capabilities.detectsDeath) {
      for (const [kind, value, times] of [
        ['Lock', 1, 1],
        ['RLock', 1, 3],
        ['Semaphore', 2, 2],
      ] as const) {
        it(`a ${kind} held ${times > 1 ? `${times} times ` : ''}by a process that is SIGKILLed is released, and the next acquirer sees ownerDied`, async () => {
          const backend = backendOf();
          const lock = await backend.lock(kind, value);
          const ready = await backend.event();
          const holder = new Process({ target: holdUntilKilled, args: [lock, ready, times] }).start();
          assert.equal(await ready.wait({ timeout: 30_000 }), true);
          assert.equal(await lock.acquire({ blocking: false }), false);
          const acquiring = lock.acquire({ timeout: 30_000 });
          await until('the acquire waits', () => waiters(lock), (n) => n === 1);
          holder.kill();
          assert.equal(await acquiring, true);
          assert.equal(lock.ownerDied, true);
          await lock.release();
          assert.equal(await lock.acquire(), true);
          assert.equal(lock.ownerDied, times === 2, 'the second dead permit is the one this acquisition takes');
          await holder.join();
        });
      }
    }
  });
};

export type { ContractBackend };
