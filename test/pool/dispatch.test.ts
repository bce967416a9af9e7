// Tasks refused on their way to a worker, and tasks given up while they wait on one: the tasks around them still
// run, and nothing is left queued beside an idle worker.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Pipe, Pool, Queue } from 'multiproc';
import { add, busyWhoAmI, double, lengthOf, reportThenAwait } from '../fixtures/pool-tasks.mjs';
import { until } from '../helpers/until.js';
import { within } from './helpers.js';

/** A pool that is terminated (not closed: a stuck task would make join() wait for ever) when the test ends. */
async function withPool(processes: number, body: (pool: Pool) => Promise<void>): Promise<void> {
  const pool = new Pool({ processes });
  try {
    await body(pool);
  } finally {
    pool.terminate();
    await pool.join();
  }
}

/** An argument whose encoding takes about `ms` and then fails (a getter that spins, then returns a function). */
const slowUnsendable = (ms: number) => ({
  get later() {
    const end = performance.now() + ms;
    while (performance.now() < end);
    return () => 'a function cannot be sent';
  },
});

const outcomes = (settled: PromiseSettledResult<unknown>[]) =>
  settled.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as { code?: string }).code));

describe('Pool dispatch: refused tasks', () => {
  it('a task refused for its arguments, sent alone, does not stall the tasks queued behind it', async () => {
    // A worker's first task goes alone (its function has not run yet): here, the one that cannot be sent.
    await withPool(1, async (pool) => {
      const settled = await within('the task behind an unsendable first task', Promise.allSettled([pool.apply(lengthOf, [[() => 1]]), pool.apply(lengthOf, ['ok'])]), () => pool.stats());
      assert.deepEqual(outcomes(settled), ['ERR_ENCODE', 2]);
    });
    // After a task of 3 ms, tasks go one at a time (about 2 ms of work per worker): the slow-to-fail one is sent alone.
    await withPool(1, async (pool) => {
      const settled = await within(
        'the task behind a slow-to-fail one',
        Promise.allSettled([pool.apply(busyWhoAmI, [3]), pool.apply(busyWhoAmI, [slowUnsendable(5)]), pool.apply(busyWhoAmI, [0])]),
        () => pool.stats(),
      );
      const [first, refused, last] = outcomes(settled);
      assert.equal(refused, 'ERR_ENCODE');
      assert.equal(typeof first, 'number');
      assert.equal(last, first, 'the same worker ran both');
      assert.deepEqual({ queued: pool.stats().queued, inflight: pool.stats().inflight }, { queued: 0, inflight: 0 });
    });
  });

  it('an args array whose element throws when read fails alone, ERR_ENCODE with the error as cause; its batch runs', async () => {
    await withPool(1, async (pool) => {
      for (let i = 0; i < 50; i++) await pool.apply(add, [i, 1]); // known quick: the five below go in one batch
      const args = [1, 2];
      Object.defineProperty(args, 1, { get: () => { throw new RangeError('unreadable'); } });
      const throwing = { get x(): number { throw new RangeError('unreadable too'); } };
      const settled = await within(
        'a batch holding unreadable args',
        Promise.allSettled([pool.apply(add, [1, 2]), pool.apply(add, args), pool.apply(add, [3, 4]), pool.apply(add, [throwing, 1]), pool.apply(add, [5, 6])]),
        () => pool.stats(),
      );
      assert.deepEqual(outcomes(settled), [3, 'ERR_ENCODE', 7, 'ERR_ENCODE', 11]);
      const cause = ((settled[1] as PromiseRejectedResult).reason as Error).cause as Error;
      assert.ok(cause instanceof RangeError && cause.message === 'unreadable', String(cause));
      assert.equal(pool.stats().crashed, 0);
    });
  });

  it('an argument refused with an error of its own (a Pipe end already used) fails alone with it; nothing hangs', async () => {
    await withPool(1, async (pool) => {
      for (let i = 0; i < 50; i++) await pool.apply(double, [i]);
      const [used, other] = Pipe();
      await used.close();
      try {
        const settled = await within(
          'a batch holding a used Pipe end',
          Promise.allSettled([pool.apply(double, [1]), pool.apply(lengthOf, [[used]]), pool.apply(double, [2])]),
          () => pool.stats(),
        );
        assert.deepEqual(outcomes(settled), [2, 'ERR_INVALID_STATE', 4]);
        assert.equal(await within('a task after it', pool.apply(double, [3]), () => pool.stats()), 6);
      } finally {
        await other.close();
      }
    });
  });
});

describe('Pool dispatch: tasks given up while waiting on a worker', () => {
  it('tasks aborted while waiting behind a running one are acknowledged by the worker: the task queued after them runs', async () => {
    await withPool(1, async (pool) => {
      const started = new Queue<string>();
      const release = new Queue<string>();
      try {
        // Every function known, recent runs tiny: the next five tasks go to the worker in one batch.
        await release.put('warm');
        assert.equal(await pool.apply(reportThenAwait, [null, release]), 'warm');
        for (let i = 0; i < 50; i++) await pool.apply(double, [i]);
        const running = pool.apply(reportThenAwait, [started, release]);
        const aborts = [1, 2, 3, 4].map(() => new AbortController());
        const waiting = aborts.map((ac, i) => pool.apply(double, [i], { signal: ac.signal }));
        assert.equal(await started.get({ timeout: 30_000 }), 'running');
        await until('the five tasks on the worker', () => pool.stats().inflight, (held) => held === 5);
        // The worker holds five: the next task waits in the pool's queue.
        const behind = pool.apply(double, [21]);
        await new Promise((resolve) => setImmediate(resolve));
        assert.equal(pool.stats().queued, 1);
        for (const ac of aborts) ac.abort();
        for (const task of waiting) await assert.rejects(task, { code: 'ERR_ABORTED' });
        // The skips are on their way to the worker; now the running task ends, and the worker skips the four.
        await new Promise((resolve) => setImmediate(resolve));
        await release.put('done');
        assert.equal(await within('the running task', running, () => pool.stats()), 'done');
        assert.equal(await within('the task queued behind the aborted ones', behind, () => pool.stats()), 42);
      } finally {
        await started.close();
        await release.close();
      }
    });
  });
});
