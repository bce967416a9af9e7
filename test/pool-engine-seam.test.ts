// The PoolEngine seam (packages/pool/src/engine.ts): a second engine plugs in through `new Pool({ backend })`. This
// one runs tasks in this process, one at a time; the facade's checks, chunking, imap and events work the same on it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadFunction } from '@multiproc/process';
import { AbortError, TimeoutError } from '@multiproc/wire';
import { Pool, PoolTerminatedError, TaskKind, type PoolEngine, type PoolEngineSetup, type PoolStats } from 'multiproc';
import { add, double, doubleBut13, sleepThen } from './fixtures/pool-tasks.mjs';

/** An engine that runs each task here, in order: what an engine must do, and nothing more. */
class InlineEngine implements PoolEngine {
  readonly processes = 1;
  readonly #setup: PoolEngineSetup;
  #chain: Promise<unknown> = Promise.resolve();
  #completed = 0;
  #failed = 0;
  #pending = 0;
  #terminated = false;
  readonly submitted: Array<{ fn: string; timeout: number | undefined; retries: number; call: string }> = [];

  constructor(setup: PoolEngineSetup) {
    this.#setup = setup;
  }

  submit(fnId: number, kind: TaskKind, payload: unknown[], timeout: number | undefined, retries: number, signal: AbortSignal | undefined, call: string): Promise<unknown> {
    const { functions, events } = this.#setup;
    this.submitted.push({ fn: functions.name(fnId), timeout, retries, call });
    this.#pending++;
    const run = async () => {
      if (this.#terminated) throw new PoolTerminatedError();
      if (signal?.aborted) throw new AbortError(call, signal.reason);
      const fn = (await loadFunction(functions.ref(fnId), {})).fn as (...args: unknown[]) => unknown;
      const result = kind === TaskKind.Call ? fn(...payload) : Promise.all(payload.map((item) => (kind === TaskKind.Map ? fn(item) : fn(...(item as unknown[])))));
      if (timeout === undefined) return await result;
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise((_, reject) => (timer = setTimeout(() => reject(new TimeoutError(`task ${functions.name(fnId)}`, timeout)), timeout)));
      try {
        return await Promise.race([result, late]);
      } finally {
        clearTimeout(timer);
      }
    };
    const task = this.#chain.then(run);
    this.#chain = task.catch(() => {});
    return task.then(
      (value) => {
        this.#pending--;
        this.#completed++;
        if (this.#pending === 0) events.emit('drain');
        return value;
      },
      (error: unknown) => {
        this.#pending--;
        this.#failed++;
        if (events.listenerCount('taskError') > 0) events.emit('taskError', error, { id: 0, fn: functions.name(fnId) });
        throw error;
      },
    );
  }

  stats(): PoolStats {
    const none = { mean: 0, p99: 0 };
    return { workers: 1, busy: this.#pending > 0 ? 1 : 0, queued: Math.max(0, this.#pending - 1), inflight: Math.min(1, this.#pending), completed: this.#completed, failed: this.#failed, crashed: 0, retried: 0, runTime: none, waitTime: none };
  }

  close(): void {}

  terminate(): void {
    this.#terminated = true;
  }

  async join(): Promise<void> {
    await this.#chain;
  }
}

describe('PoolEngine seam', () => {
  it('a second engine runs apply, map, starmap, imap and the AsyncResult forms; the facade checks and chunks as before', async () => {
    let engine: InlineEngine | undefined;
    const pool = new Pool({ backend: { createPoolEngine: (setup) => (engine = new InlineEngine(setup)) }, name: 'inline', taskTimeout: 5000 });
    assert.ok(engine);
    assert.equal(pool.processes, 1);
    assert.equal(await pool.apply(double, [21]), 42);
    assert.deepEqual(await pool.map(double, [1, 2, 3], { chunksize: 2 }), [2, 4, 6]);
    assert.deepEqual(await pool.starmap(add, [[1, 2], [3, 4]]), [3, 7]);
    const seen: number[] = [];
    for await (const value of pool.imap(double, [5, 6])) seen.push(value);
    assert.deepEqual(seen, [10, 12]);
    assert.equal(await pool.applyAsync(add, [2, 3]).get(), 5);
    // The facade fills in the pool's defaults and checks the rest before the engine sees a task.
    assert.deepEqual(engine.submitted[0], { fn: 'double', timeout: 5000, retries: 0, call: 'Pool.apply()' });
    assert.equal(engine.submitted.filter((task) => task.call === 'Pool.map()').length, 2, 'map chunked 3 items by 2');
    await assert.rejects(pool.apply(double, [1], { timeout: 0 }), { code: 'ERR_INVALID_ARGUMENT' });
    // Errors and events come from the engine.
    const errors: string[] = [];
    pool.on('taskError', (_error, { fn }) => errors.push(fn));
    await assert.rejects(pool.apply(doubleBut13, [13]), { name: 'RangeError' });
    await assert.rejects(pool.apply(sleepThen, [5000, 'late'], { timeout: 20 }), { code: 'ERR_TIMEOUT' });
    assert.deepEqual(errors, ['doubleBut13', 'sleepThen']);
    assert.equal(pool.stats().completed, 8, 'apply, 2 map chunks, 2 starmap chunks, 2 imap chunks, applyAsync');
    pool.close();
    await assert.rejects(pool.apply(double, [1]), { code: 'ERR_POOL_CLOSED' });
    await pool.join();
  });
});
