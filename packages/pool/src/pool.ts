/**
 * `Pool`: Python's `multiprocessing.Pool`, the facade. It checks arguments, gives each task function an id
 * (function-table.ts), splits `map`/`imap` input into chunks, and hands every task to its engine (engine.ts): worker
 * processes on this machine (local/process-engine.ts) unless `backend` names another.
 *
 * Lifecycle (`#state`): running --close()--> closed --terminate()--> terminated (or straight from running).
 *
 * @module
 */
import { EventEmitter } from 'node:events';
import { AbortError, InvalidArgumentError, InvalidStateError } from '@multiproc/wire';
import { AsyncResult } from './async-result.js';
import { createEngine } from './create-engine.js';
import { TaskKind, type PoolEngine } from './engine.js';
import { PoolClosedError } from './errors.js';
import { FunctionTable, type TaskFunction } from './function-table.js';
import { chunked, collectOrdered, defaultChunksize, listOf } from './map-tasks.js';
import { checkCallOptions, checkPoolOptions, checkRetries, checkTimeout, type MapOptions, type PoolOptions, type TaskOptions } from './pool-options.js';
import type { AnyTaskFunction, ApplyOptions, ApplyRest, AsyncCallOptions, ImapCallOptions, ItemFunction, ItemOf, Items, MapCallOptions, Named, TaskResult } from './task-types.js';
import type { PoolStats } from './pool-stats.js';
import { ResultIterator } from './result-iterator.js';

/** The options of a call given none (one object, not one per call). */
const NO_OPTIONS: Readonly<TaskOptions> = Object.freeze({});

/**
 * A pool of worker processes: Python's `multiprocessing.Pool`. A worker that dies mid-task fails only that task
 * (`WorkerCrashedError`, or a retry with `retries`) and is replaced.
 *
 * Events: `'workerStart'` `{ pid }`, `'workerExit'` `{ pid, exitCode, signal, crashed }`,
 * `'taskError'` (error, `{ id, fn }`: only emitted when listened to), `'drain'`
 * (the task queue emptied). Diagnostics channels: `multiproc:pool:task`, `multiproc:pool:worker`.
 *
 * The task function must be found again in the worker: export it from its
 * module (the module that calls the pool, or one it imports it from), or pass
 * `module`. Keep the code that creates the pool behind `isMainModule(import.meta)`.
 *
 * @example
 * ```ts
 * export function square(x: number) { return x * x; }
 * if (isMainModule(import.meta)) {
 *   await using pool = new Pool({ processes: 4 });
 *   console.log(await pool.map(square, [1, 2, 3])); // [1, 4, 9]
 * }
 * ```
 * `await using` needs Node ≥ 24 in JavaScript (TypeScript compiles it down); on Node 20 and 22 write
 * `const pool = new Pool(…); try { … } finally { pool.close(); await pool.join(); }`.
 */
export class Pool extends EventEmitter {
  /** Number of worker processes it keeps. */
  readonly processes: number;
  readonly #engine: PoolEngine;
  readonly #functions = new FunctionTable();
  readonly #taskTimeout: number | undefined;
  readonly #retries: number;
  #state: 'running' | 'closed' | 'terminated' = 'running';

  /**
   * Starts `processes` workers (they boot in the background; tasks wait for them).
   *
   * @param options - see {@link PoolOptions}; `processes` defaults to `cpuCount()`.
   * @throws {InvalidArgumentError} `ERR_INVALID_ARGUMENT` for a bad option.
   * @throws {BootstrapError} `ERR_PROCESS_BOOTSTRAP` in a module multiproc is importing (a task's): guard it with isMainModule.
   */
  constructor(options: PoolOptions = {}) {
    super();
    const checked = checkPoolOptions(options);
    this.#taskTimeout = checked.taskTimeout;
    this.#retries = checked.retries;
    this.#engine = createEngine(options.backend, { name: options.name, options: checked.engine, functions: this.#functions, events: this });
    this.processes = this.#engine.processes;
  }

  /**
   * Runs `fn(...args)` in a worker; resolves with its result, or rejects with the error it threw.
   *
   * @param fn - an exported function (or self-contained one), or an export name with `options.module`.
   * @param options - `timeout`, `signal`, `retries` ({@link TaskOptions}); `module` where `fn` is exported.
   * @throws {PoolClosedError} `ERR_POOL_CLOSED` when submitted after `close()` or `terminate()`.
   * @throws {PoolQueueFullError} `ERR_POOL_QUEUE_FULL` when `maxQueue` tasks wait and `onFull` is `'reject'`.
   * @throws {WorkerCrashedError} `ERR_WORKER_CRASHED` when the worker running it died (after `retries` runs again).
   * @throws {TimeoutError} `ERR_TIMEOUT` when it ran longer than `timeout` (its worker is replaced).
   * @throws {AbortError} `ERR_ABORTED` when `signal` aborted it.
   * @throws {PoolTerminatedError} `ERR_POOL_TERMINATED` when `terminate()` was called before it finished.
   * @throws {PoolBrokenError} `ERR_POOL_BROKEN` when workers keep dying while starting.
   * @throws {EncodeError} `ERR_ENCODE` when an argument or result cannot be sent.
   * @throws {FrameTooLargeError} `ERR_FRAME_TOO_LARGE` when the arguments or the result are more than one message may hold (256 MiB).
   * @throws {ResultDecodeError} `ERR_RESULT_DECODE` when its result cannot be rebuilt in this process.
   * @throws {TargetNotFoundError} `ERR_TARGET_NOT_FOUND` when `fn` cannot be found in the worker (export it), or, sent by
   *   its source because no module exports it, uses a name the worker does not have.
   * @throws {InvalidArgumentError} `ERR_INVALID_ARGUMENT` when `args` is not an array, `timeout` is not a number of ms
   *   > 0, `retries` not a whole number ≥ 0, `signal` not an AbortSignal, or `options` not an object.
   * @example
   * ```ts
   * const total = await pool.apply(sum, [[1, 2, 3]], { timeout: 5000 }); // 6
   * ```
   */
  apply<F extends AnyTaskFunction>(fn: F, ...rest: ApplyRest<F, ApplyOptions>): Promise<TaskResult<F>>;
  apply<R = unknown>(fn: string, args: unknown[], options: Named<ApplyOptions>): Promise<R>;
  apply(fn: TaskFunction, args: unknown[] = [], options?: ApplyOptions): Promise<unknown> {
    return this.#apply(fn, args, options, 'Pool.apply()');
  }

  /**
   * Like `apply`, returning an {@link AsyncResult}; calls `callback` or `errorCallback` when it settles.
   * @throws {PoolClosedError} `ERR_POOL_CLOSED` at the call, after `close()` or `terminate()` (as Python's `apply_async`).
   * @throws {InvalidArgumentError} `ERR_INVALID_ARGUMENT` at the call when `options` is not an object (`{ callback }`).
   */
  applyAsync<F extends AnyTaskFunction>(fn: F, ...rest: ApplyRest<F, AsyncCallOptions<TaskResult<F>>>): AsyncResult<TaskResult<F>>;
  applyAsync<R = unknown>(fn: string, args: unknown[], options: Named<AsyncCallOptions<R>>): AsyncResult<R>;
  applyAsync(fn: TaskFunction, args: unknown[] = [], options: AsyncCallOptions<unknown> = {}): AsyncResult<unknown> {
    this.#checkRunning('Pool.applyAsync()');
    checkCallOptions('Pool.applyAsync()', options, 'timeout');
    return new AsyncResult(this.#apply(fn, args, options, 'Pool.applyAsync()') as Promise<unknown>, options.callback, options.errorCallback);
  }

  /**
   * Runs `fn(item)` for every item, in chunks; resolves with the results in order.
   * Rejects with the first error of any chunk, as Python.
   *
   * @param options - `chunksize` (@default about items / (processes × 4)), `onProgress`, and {@link TaskOptions} per chunk.
   * @throws {InvalidArgumentError} `ERR_INVALID_ARGUMENT` for a chunksize that is not a whole number ≥ 1.
   * @throws {PoolClosedError} `ERR_POOL_CLOSED` when submitted after `close()` or `terminate()`.
   * @throws {PoolQueueFullError} `ERR_POOL_QUEUE_FULL` when `maxQueue` tasks wait and `onFull` is `'reject'`.
   * @throws {WorkerCrashedError} `ERR_WORKER_CRASHED` when the worker running it died (after `retries` runs again).
   * @throws {TimeoutError} `ERR_TIMEOUT` when it ran longer than `timeout` (its worker is replaced).
   * @throws {AbortError} `ERR_ABORTED` when `signal` aborted it.
   * @throws {PoolTerminatedError} `ERR_POOL_TERMINATED` when `terminate()` was called before it finished.
   * @throws {PoolBrokenError} `ERR_POOL_BROKEN` when workers keep dying while starting.
   * @throws {EncodeError} `ERR_ENCODE` when an argument or result cannot be sent.
   * @throws {FrameTooLargeError} `ERR_FRAME_TOO_LARGE` when the arguments or the result are more than one message may hold (256 MiB).
   * @example
   * ```ts
   * console.log(await pool.map(square, [1, 2, 3])); // [ 1, 4, 9 ]
   * ```
   */
  map<F extends ItemFunction>(fn: F, items: Items<ItemOf<F>>, options?: MapCallOptions): Promise<Array<TaskResult<F>>>;
  map<T, R = unknown>(fn: string, items: Items<T>, options: Named<MapCallOptions>): Promise<R[]>;
  map(fn: TaskFunction, items: Items<unknown>, options: MapCallOptions = {}): Promise<unknown[]> {
    return this.#mapAll(fn, TaskKind.Map, items, options, 'Pool.map()');
  }

  /**
   * Like `map`, returning an {@link AsyncResult}.
   * @throws {PoolClosedError} `ERR_POOL_CLOSED` at the call, after `close()` or `terminate()`.
   */
  mapAsync<F extends ItemFunction>(fn: F, items: Items<ItemOf<F>>, options?: MapOptions & AsyncCallOptions<Array<TaskResult<F>>>): AsyncResult<Array<TaskResult<F>>>;
  mapAsync<T, R = unknown>(fn: string, items: Items<T>, options: Named<MapOptions & AsyncCallOptions<R[]>>): AsyncResult<R[]>;
  mapAsync(fn: TaskFunction, items: Items<unknown>, options: MapOptions & AsyncCallOptions<unknown[]> = {}): AsyncResult<unknown[]> {
    this.#checkRunning('Pool.mapAsync()');
    checkCallOptions('Pool.mapAsync()', options, 'chunksize');
    return new AsyncResult(this.#mapAll(fn, TaskKind.Map, items, options, 'Pool.mapAsync()'), options.callback, options.errorCallback);
  }

  /**
   * Runs `fn(...args)` for every array of arguments; resolves with the results in order.
   * Throws as {@link Pool.map} does.
   *
   * @example
   * ```ts
   * console.log(await pool.starmap(add, [[1, 2], [3, 4]])); // [ 3, 7 ]
   * ```
   */
  starmap<F extends AnyTaskFunction>(fn: F, argsList: Items<Parameters<F>>, options?: MapCallOptions): Promise<Array<TaskResult<F>>>;
  starmap<R = unknown>(fn: string, argsList: Items<unknown[]>, options: Named<MapCallOptions>): Promise<R[]>;
  starmap(fn: TaskFunction, argsList: Items<unknown[]>, options: MapCallOptions = {}): Promise<unknown[]> {
    return this.#mapAll(fn, TaskKind.Starmap, argsList, options, 'Pool.starmap()');
  }

  /**
   * Like `starmap`, returning an {@link AsyncResult}.
   * @throws {PoolClosedError} `ERR_POOL_CLOSED` at the call, after `close()` or `terminate()`.
   */
  starmapAsync<F extends AnyTaskFunction>(fn: F, argsList: Items<Parameters<F>>, options?: MapOptions & AsyncCallOptions<Array<TaskResult<F>>>): AsyncResult<Array<TaskResult<F>>>;
  starmapAsync<R = unknown>(fn: string, argsList: Items<unknown[]>, options: Named<MapOptions & AsyncCallOptions<R[]>>): AsyncResult<R[]>;
  starmapAsync(fn: TaskFunction, argsList: Items<unknown[]>, options: MapOptions & AsyncCallOptions<unknown[]> = {}): AsyncResult<unknown[]> {
    this.#checkRunning('Pool.starmapAsync()');
    checkCallOptions('Pool.starmapAsync()', options, 'chunksize');
    return new AsyncResult(this.#mapAll(fn, TaskKind.Starmap, argsList, options, 'Pool.starmapAsync()'), options.callback, options.errorCallback);
  }

  /**
   * Lazily maps over a sync or async (even infinite) iterable, yielding results in order.
   * At most `buffersize` chunks are submitted ahead of the consumer, so memory stays flat.
   * A task's error is thrown from the loop when its turn comes; errors as {@link Pool.map}.
   *
   * @example
   * ```ts
   * for await (const line of pool.imap(parse, readLines(file))) console.log(line);
   * ```
   */
  imap<F extends ItemFunction>(fn: F, items: Items<ItemOf<F>>, options?: ImapCallOptions): AsyncIterable<TaskResult<F>>;
  imap<T, R = unknown>(fn: string, items: Items<T>, options: Named<ImapCallOptions>): AsyncIterable<R>;
  imap(fn: TaskFunction, items: Items<unknown>, options: ImapCallOptions = {}): AsyncIterable<unknown> {
    checkCallOptions('Pool.imap()', options, 'chunksize');
    return new ResultIterator(items, options, this.processes, true, (chunk) => this.#submit(fn, TaskKind.Map, chunk, options, 'Pool.imap()') as Promise<unknown[]>);
  }

  /** Like `imap`, yielding results as they finish (not in input order). */
  imapUnordered<F extends ItemFunction>(fn: F, items: Items<ItemOf<F>>, options?: ImapCallOptions): AsyncIterable<TaskResult<F>>;
  imapUnordered<T, R = unknown>(fn: string, items: Items<T>, options: Named<ImapCallOptions>): AsyncIterable<R>;
  imapUnordered(fn: TaskFunction, items: Items<unknown>, options: ImapCallOptions = {}): AsyncIterable<unknown> {
    checkCallOptions('Pool.imapUnordered()', options, 'chunksize');
    return new ResultIterator(items, options, this.processes, false, (chunk) => this.#submit(fn, TaskKind.Map, chunk, options, 'Pool.imapUnordered()') as Promise<unknown[]>);
  }

  /**
   * Takes no more tasks; workers finish what is queued, then leave. Later
   * submissions reject with `ERR_POOL_CLOSED`. Then call `join()`.
   */
  close(): void {
    if (this.#state !== 'running') return;
    this.#state = 'closed';
    this.#engine.close();
  }

  /**
   * Kills the workers at once (SIGKILL); tasks queued or running reject with
   * `ERR_POOL_TERMINATED` (a task that had finished, its result not yet read, gets its result).
   * Then call `join()` to wait for them to be gone.
   */
  terminate(): void {
    if (this.#state === 'terminated') return;
    this.#state = 'terminated';
    this.#engine.terminate();
  }

  /**
   * Resolves when every worker has exited (after `close()` or `terminate()`).
   * @throws {InvalidStateError} `ERR_INVALID_STATE` while the pool is still running (call close() first, as Python).
   */
  async join(): Promise<void> {
    if (this.#state === 'running') throw new InvalidStateError('Pool.join(): the pool is still running; call close() or terminate() first.');
    await this.#engine.join();
  }

  /** `await using pool = new Pool()`: close, then join (not Python's terminate: queued work finishes). */
  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
    await this.join();
  }

  /** Counters and timings, a snapshot: see {@link PoolStats}. */
  stats(): PoolStats {
    return this.#engine.stats();
  }

  async #mapAll(fn: TaskFunction, kind: TaskKind, items: Items<unknown>, options: MapCallOptions, call: string): Promise<unknown[]> {
    checkCallOptions(call, options, 'chunksize');
    const list = await listOf(call, items);
    const size = options.chunksize ?? defaultChunksize(list.length, this.processes);
    if (!Number.isInteger(size) || size < 1) throw new InvalidArgumentError(`${call}: chunksize must be a whole number ≥ 1, got ${String(size)}.`);
    const chunks = chunked(list, size);
    return collectOrdered(chunks.map((chunk) => this.#submit(fn, kind, chunk, options, call) as Promise<unknown[]>), list.length, options.onProgress);
  }

  #apply(fn: TaskFunction, args: unknown[], options: ApplyOptions | undefined, call: string): Promise<unknown> {
    if (!Array.isArray(args)) {
      const got = typeof args === 'object' ? Object.prototype.toString.call(args) : String(args);
      return Promise.reject(new InvalidArgumentError(`${call}: args must be an array of the function's arguments, got ${got}; pass [value] for one argument.`));
    }
    if (options !== undefined && typeof options !== 'object') {
      try {
        checkCallOptions(call, options, 'timeout');
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return this.#submit(fn, TaskKind.Call, args, options ?? NO_OPTIONS, call);
  }

  /** `ERR_POOL_CLOSED` at once, for the calls that return an AsyncResult (as Python's apply_async); others reject. */
  #checkRunning(call: string): void {
    if (this.#state !== 'running') throw new PoolClosedError(call);
  }

  /** Checks a task's function and options, and hands it to the engine. (Each option is read once, before the engine's promise is made.) */
  #submit(fn: TaskFunction, kind: TaskKind, payload: unknown[], options: ApplyOptions, call: string): Promise<unknown> {
    if (this.#state !== 'running') return Promise.reject(new PoolClosedError(call));
    const signal = options.signal;
    if (signal !== undefined && !(signal instanceof AbortSignal)) {
      return Promise.reject(new InvalidArgumentError(`${call}: signal must be an AbortSignal, got ${Object.prototype.toString.call(signal)}.`));
    }
    if (signal?.aborted) return Promise.reject(new AbortError(call, signal.reason));
    let fnId: number;
    let timeout: number | undefined;
    let retries: number;
    try {
      fnId = this.#functions.idOf(fn, options.module, call);
      const ownTimeout = options.timeout;
      timeout = ownTimeout === undefined ? this.#taskTimeout : checkTimeout(call, 'timeout', ownTimeout);
      const ownRetries = options.retries;
      retries = ownRetries === undefined ? this.#retries : checkRetries(call, ownRetries)!;
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#engine.submit(fnId, kind, payload, timeout, retries, signal, call);
  }
}
