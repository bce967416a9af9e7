/**
 * `Pool`: Python's `multiprocessing.Pool`, built from the other packages:
 * workers are daemon `Process`es, each with a duplex `Pipe` for its tasks and
 * results. It never hangs on a dead worker:
 *
 * - a worker runs its tasks one at a time, in the order sent, so when it dies
 *   the oldest task it held is the one that was running: exactly that task
 *   rejects with `WorkerCrashedError` (or runs again, with `retries`); the
 *   tasks queued behind it go back to the pool; a new worker takes its place;
 * - a running task that times out or is aborted is ended the same way (its
 *   worker is killed and replaced), and only it rejects;
 * - workers that die while starting, over and over, break the pool with
 *   `ERR_POOL_BROKEN` instead of restarting for ever.
 *
 * Lifecycle (`#state`): running --close()--> closing (finishes what it has)
 * --> closed; any --terminate()--> terminated.
 *
 * @module
 */
import { channel as diagnosticsChannel } from 'node:diagnostics_channel';
import { EventEmitter } from 'node:events';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pipe } from '@multiproc/pipe';
import { callerModule, cpuCount, describeFunction, Process, type FunctionRef, type ModuleLocation } from '@multiproc/process';
import { AbortError, InvalidArgumentError, InvalidStateError, isUnsendable, privateSocketDir, sweepSocketDirs, TimeoutError, WAITABLE } from '@multiproc/wire';
import { AsyncResult } from './async-result.js';
import { PoolBrokenError, PoolClosedError, PoolQueueFullError, PoolTerminatedError, WorkerCrashedError } from './errors.js';
import { chunked, collectOrdered, defaultChunksize, type ImapOptions } from './map-tasks.js';
import { ResultIterator } from './result-iterator.js';
import { Samples, type PoolStats } from './pool-stats.js';
import { Msg, TaskKind, type FromWorker, type TaskDone, type ToWorker } from './protocol.js';
import { isSettled, isWatched, markQueued, markSent, newTask, retry, settle, timeoutOf, TaskState, watchAbort, type Task, type TaskOptions } from './task.js';
import { poolWorker } from './worker.js';
import { WorkerSlot } from './worker-slot.js';

/** Options of a {@link Pool}. */
export interface PoolOptions {
  /** Number of worker processes. @default cpuCount() */
  processes?: number;
  /** Runs in each worker before its first task (a module-level exported function, or a self-contained one). */
  initializer?: ((...args: any[]) => unknown) | undefined;
  /** Arguments for `initializer`. */
  initargs?: unknown[];
  /** A worker is replaced after running this many tasks (0: never). @default 0 */
  maxTasksPerChild?: number;
  /** A worker whose resident memory exceeds this many bytes is replaced after its current tasks (0: never). @default 0 */
  maxRssBytes?: number;
  /** Most tasks waiting for a worker (0: no limit). @default 0 */
  maxQueue?: number;
  /** What submitting beyond `maxQueue` does: reject with `ERR_POOL_QUEUE_FULL`, or wait for room. @default 'reject' */
  onFull?: 'reject' | 'wait';
  /** Default per-task timeout in ms. @default undefined (none) */
  taskTimeout?: number;
  /** Default number of times a task runs again when its worker crashes. @default 0 */
  retries?: number;
  /** Consecutive workers dying while starting before the pool gives up. @default 3 */
  maxStartupFailures?: number;
  /** Node flags for the workers (e.g. `['--max-old-space-size=512']`, or `[]` for none). @default this process's, as a `Process` inherits them */
  execArgv?: string[] | undefined;
}

/** Options of `applyAsync` / `mapAsync`. */
export interface AsyncOptions<R> extends TaskOptions {
  /** Called with the result when the task succeeds (in this process). */
  callback?: (value: R) => void;
  /** Called with the error when the task fails (in this process). */
  errorCallback?: (error: unknown) => void;
}

/** Options of `map` / `starmap`. */
export interface MapOptions extends TaskOptions {
  /** Items per task. @default about items / (processes × 4), as Python */
  chunksize?: number;
  /** Called as chunks finish, with items done and the total. */
  onProgress?: ((done: number, total: number) => void) | undefined;
}

/** A task: a function (exported from its module, or self-contained), or the name of an export with `options.module`. */
export type TaskFunction = ((...args: any[]) => unknown) | string;
type State = 'running' | 'closing' | 'closed' | 'terminated' | 'broken';

const ownDir = dirname(dirname(fileURLToPath(import.meta.url)));
const WORKER_MODULE = new URL('./worker.js', import.meta.url).href;
const taskChannel = diagnosticsChannel('multiproc:pool:task');
const workerChannel = diagnosticsChannel('multiproc:pool:worker');
/** Most tasks sent to one worker in one message. */
const MAX_BATCH = 1024;
/** Pools' private directories for their workers' result journals: `multiproc-journal-<pid>-XXXXXX`. */
const JOURNAL_DIR_PREFIX = 'multiproc-journal-';
/** How long a journal directory of a pool whose process is gone is left before another pool removes it. */
const SWEEP_AFTER_MS = 10 * 60_000;
/** Where those go: shared memory first, else the temporary directory (undefined: its default). */
const JOURNAL_BASES: Array<string | undefined> = ['/dev/shm', undefined];
/** After a worker exits, how long its pipe may take to deliver what it wrote before the pool settles its tasks anyway. */
const DRAIN_AFTER_EXIT_MS = 2000;
/** A worker is given about this much work (by recent run times) at once: long tasks go one at a time, tiny ones in big batches. */
const BATCH_TARGET_MS = 2;
/**
 * A busy worker is refilled once it holds no more than this share of its batch size: it still has that much work to
 * do while its results travel to the pool (written 1 ms apart) and the refill comes back. At 1/2, a worker of tiny
 * tasks ran out between refills (idle 100–700 µs at a time, through the parent's GC pauses); at 3/4 a burst of 20 000
 * no-op tasks ran 6–8% faster on 1 worker and 1–2% on 2 (two interleaved A/Bs of 20 and 30 pairs).
 */
const REFILL_AT = 0.75;
/**
 * While a caller submits tasks in one run of its code, every this many tasks queued, workers that are low get some at
 * once (see `#submit`). Burst of 20 000 no-op tasks, 2 workers, interleaved A/B: 64 +-0, 128 +11%, 256 +6-11%, 512 +9%,
 * 1 024 -2%.
 */
const EAGER_EVERY = 256;
/** Tasks that run shorter than this (moving average) are tiny: see `#dispatch`. */
const TINY_TASK_MS = 0.1;
/** This machine's cores. */
const CORES = cpuCount();

/**
 * Where `new Promise(capture)` leaves its resolve function: one executor for every task, not a closure each. (Only
 * resolve: a task rejects through it, see `settle` in task.ts.)
 */
const captured: { resolve: (value: unknown) => void } = { resolve: () => {} };
const capture = (resolve: (value: unknown) => void): void => {
  captured.resolve = resolve;
};

/** The options of a call given none (one object, not one per call). */
const NO_OPTIONS: Readonly<TaskOptions> = Object.freeze({});

/** Journal directories of this process's pools, removed at exit if still there. */
const journalDirs = new Set<string>();
const removeJournalDir = (dir: string) => {
  journalDirs.delete(dir);
  rmSync(dir, { recursive: true, force: true });
};
let exitHooked = false;
const trackJournalDir = (dir: string) => {
  journalDirs.add(dir);
  if (exitHooked) return;
  exitHooked = true;
  process.once('exit', () => {
    for (const left of journalDirs) removeJournalDir(left);
  });
};

/**
 * A pool of worker processes: Python's `multiprocessing.Pool`. A worker that
 * dies mid-task fails only that task
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
 */
export class Pool extends EventEmitter {
  /** Number of worker processes it keeps. */
  readonly processes: number;
  readonly #options: Required<Omit<PoolOptions, 'initializer' | 'taskTimeout' | 'processes' | 'execArgv'>> & {
    taskTimeout: number | undefined;
    execArgv: string[] | undefined;
  };
  readonly #initializer: FunctionRef | undefined;
  readonly #workers = new Set<WorkerSlot>();
  readonly #queue: Task[] = [];
  #queueHead = 0;
  readonly #functionIds = new WeakMap<object, number>();
  /** Functions by where they are found (and their source): closures made again per call share one id. */
  readonly #namedFunctionIds = new Map<string, number>();
  readonly #functionRefs: FunctionRef[] = [];
  /** Their names, by id (for errors and events). */
  readonly #functionNames: string[] = [];
  readonly #roomWaiters: Array<() => void> = [];
  #state: State = 'running';
  #brokenBy: Error | undefined;
  #nextTaskId = 0;
  #startupFailures = 0;
  #dispatchScheduled = false;
  /** An eager dispatch (see `#submit`) took tasks off the queue; the next scheduled one reports it. */
  #shrunkEagerly = false;
  /** No eager dispatch now (see `#onExit`). */
  #holdEager = false;
  #keepAlive: NodeJS.Timeout | undefined;
  /** Tasks submitted and not settled. */
  #outstanding = 0;
  #spawned = 0;
  readonly #counts = { completed: 0, failed: 0, crashed: 0, retried: 0 };
  readonly #runTimes = new Samples();
  /** Moving average of recent task run times, ms; undefined until the first result. */
  #runEstimate: number | undefined;
  /** Each function's run time, slow to move (whether its tasks are tiny, see `#dispatch`, does not flip on one slow run), ms. */
  readonly #steadyRunEstimates: number[] = []; // by function id: an array of numbers stores them unboxed, a Map boxes each
  readonly #waitTimes = new Samples();
  /** The private directory (0700) of the workers' result journals; made with the first worker. */
  #journalDir: string | undefined;

  /**
   * Starts `processes` workers (they boot in the background; tasks wait for them).
   *
   * @param options - see {@link PoolOptions}; `processes` defaults to `cpuCount()`.
   * @throws {InvalidArgumentError} `ERR_INVALID_ARGUMENT` for a bad option.
   */
  constructor(options: PoolOptions = {}) {
    super();
    const processes = options.processes ?? cpuCount();
    if (!Number.isInteger(processes) || processes < 1) {
      throw new InvalidArgumentError(`new Pool(): processes must be a whole number ≥ 1, got ${String(processes)}.`);
    }
    this.processes = processes;
    this.#options = {
      initargs: options.initargs ?? [],
      maxTasksPerChild: options.maxTasksPerChild ?? 0,
      maxRssBytes: options.maxRssBytes ?? 0,
      maxQueue: options.maxQueue ?? 0,
      onFull: options.onFull ?? 'reject',
      taskTimeout: options.taskTimeout,
      retries: options.retries ?? 0,
      maxStartupFailures: options.maxStartupFailures ?? 3,
      execArgv: options.execArgv,
    };
    this.#initializer = options.initializer
      ? describeFunction(options.initializer, {}, callerModule([ownDir]), 'new Pool() initializer')
      : undefined;
    for (let i = 0; i < processes; i++) this.#spawn();
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
   * @throws {InvalidArgumentError} `ERR_INVALID_ARGUMENT` when `args` is not an array.
   * @example
   * ```ts
   * const total = await pool.apply(sum, [[1, 2, 3]], { timeout: 5000 }); // 6
   * ```
   */
  apply<R>(fn: TaskFunction, args: unknown[] = [], options?: TaskOptions & { module?: ModuleLocation }): Promise<R> {
    if (!Array.isArray(args)) {
      const got = typeof args === 'object' ? Object.prototype.toString.call(args) : String(args);
      return Promise.reject(new InvalidArgumentError(`Pool.apply(): args must be an array of the function's arguments, got ${got}; pass [value] for one argument.`));
    }
    return this.#submit(fn, TaskKind.Call, args, options ?? NO_OPTIONS, 'Pool.apply()') as Promise<R>;
  }

  /** Like `apply`, returning an {@link AsyncResult}; calls `callback` or `errorCallback` when it settles. */
  applyAsync<R>(fn: TaskFunction, args: unknown[] = [], options: AsyncOptions<R> & { module?: ModuleLocation } = {}): AsyncResult<R> {
    return new AsyncResult(this.apply<R>(fn, args, options), options.callback, options.errorCallback);
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
  map<T, R>(fn: TaskFunction, items: Iterable<T>, options: MapOptions & { module?: ModuleLocation } = {}): Promise<R[]> {
    return this.#mapAll(fn, TaskKind.Map, items, options, 'Pool.map()') as Promise<R[]>;
  }

  /** Like `map`, returning an {@link AsyncResult}. */
  mapAsync<T, R>(fn: TaskFunction, items: Iterable<T>, options: MapOptions & AsyncOptions<R[]> & { module?: ModuleLocation } = {}): AsyncResult<R[]> {
    return new AsyncResult(this.map<T, R>(fn, items, options), options.callback, options.errorCallback);
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
  starmap<R>(fn: TaskFunction, argsList: Iterable<unknown[]>, options: MapOptions & { module?: ModuleLocation } = {}): Promise<R[]> {
    return this.#mapAll(fn, TaskKind.Starmap, argsList, options, 'Pool.starmap()') as Promise<R[]>;
  }

  /** Like `starmap`, returning an {@link AsyncResult}. */
  starmapAsync<R>(fn: TaskFunction, argsList: Iterable<unknown[]>, options: MapOptions & AsyncOptions<R[]> & { module?: ModuleLocation } = {}): AsyncResult<R[]> {
    return new AsyncResult(this.starmap<R>(fn, argsList, options), options.callback, options.errorCallback);
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
  imap<T, R>(fn: TaskFunction, items: Iterable<T> | AsyncIterable<T>, options: ImapOptions & { module?: ModuleLocation } = {}): AsyncIterable<R> {
    return new ResultIterator<T, R>(items, options, this.processes, true, (chunk) => this.#submit(fn, TaskKind.Map, chunk, options, 'Pool.imap()') as Promise<R[]>);
  }

  /** Like `imap`, yielding results as they finish (not in input order). */
  imapUnordered<T, R>(fn: TaskFunction, items: Iterable<T> | AsyncIterable<T>, options: ImapOptions & { module?: ModuleLocation } = {}): AsyncIterable<R> {
    return new ResultIterator<T, R>(items, options, this.processes, false, (chunk) => this.#submit(fn, TaskKind.Map, chunk, options, 'Pool.imapUnordered()') as Promise<R[]>);
  }

  /**
   * Takes no more tasks; workers finish what is queued, then leave. Later
   * submissions reject with `ERR_POOL_CLOSED`. Then call `join()`.
   */
  close(): void {
    if (this.#state !== 'running') return;
    this.#state = 'closing';
    this.#wakeRoomWaiters();
    this.#updateKeepAlive();
    this.#maybeFinish();
  }

  /**
   * Kills the workers at once (SIGKILL); tasks queued or running reject with
   * `ERR_POOL_TERMINATED` (a task that had finished, its result not yet read, gets its result).
   * Then call `join()` to wait for them to be gone.
   */
  terminate(): void {
    if (this.#state === 'terminated') return;
    this.#state = 'terminated';
    const error = new PoolTerminatedError();
    this.#wakeRoomWaiters();
    for (let task = this.#shift(); task; task = this.#shift()) this.#settle(task, false, error);
    // The tasks the workers hold settle as each exit is dealt with: one that had finished (its
    // result still in the worker's pipe or journal) gets its result, the others this error.
    for (const worker of this.#workers) {
      worker.clearHeadTimer();
      worker.process.kill();
    }
    this.#updateKeepAlive();
  }

  /**
   * Resolves when every worker has exited (after `close()` or `terminate()`).
   * @throws {InvalidStateError} `ERR_INVALID_STATE` while the pool is still running (call close() first, as Python).
   */
  async join(): Promise<void> {
    if (this.#state === 'running') throw new InvalidStateError('Pool.join(): the pool is still running; call close() or terminate() first.');
    // Replacements may start while closing (a crash, maxTasksPerChild): wait until none is left.
    // (process.join() keeps this process alive while it waits; `gone` follows once the pool has read what the worker left.)
    while (this.#workers.size > 0) await Promise.all([...this.#workers].map((worker) => worker.process.join().then(() => worker.gone)));
  }

  /** `await using pool = new Pool()`: close, then join (not Python's terminate: queued work finishes). */
  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
    await this.join();
  }

  /** Counters and timings, a snapshot: see {@link PoolStats}. */
  stats(): PoolStats {
    let inflight = 0;
    let busy = 0;
    for (const worker of this.#workers) {
      const held = worker.inflight.filter((task) => !isSettled(task)).length;
      inflight += held;
      if (held > 0) busy++;
    }
    return {
      workers: this.#workers.size,
      busy,
      queued: this.#queued,
      inflight,
      ...this.#counts,
      runTime: this.#runTimes.summary(),
      waitTime: this.#waitTimes.summary(),
    };
  }

  get #queued(): number {
    return this.#queue.length - this.#queueHead;
  }

  #shift(): Task | undefined {
    if (this.#queueHead >= this.#queue.length) return undefined;
    const task = this.#queue[this.#queueHead]!;
    this.#queue[this.#queueHead++] = undefined as unknown as Task;
    if (this.#queueHead > 1024 && this.#queueHead * 2 > this.#queue.length) {
      this.#queue.splice(0, this.#queueHead);
      this.#queueHead = 0;
    }
    return task;
  }

  /** Puts tasks back at the head of the queue, in order. */
  #requeue(tasks: Task[]): void {
    if (tasks.length === 0) return;
    const now = performance.now();
    for (const task of tasks) markQueued(task, now);
    this.#queue.splice(this.#queueHead, 0, ...tasks);
  }

  async #mapAll(fn: TaskFunction, kind: TaskKind, items: Iterable<unknown>, options: MapOptions & { module?: ModuleLocation }, call: string): Promise<unknown[]> {
    const list = Array.isArray(items) ? items : [...items];
    const size = options.chunksize ?? defaultChunksize(list.length, this.processes);
    if (!Number.isInteger(size) || size < 1) throw new InvalidArgumentError(`${call}: chunksize must be a whole number ≥ 1, got ${String(size)}.`);
    const chunks = chunked(list, size);
    return collectOrdered(chunks.map((chunk) => this.#submit(fn, kind, chunk, options, call) as Promise<unknown[]>), list.length, options.onProgress);
  }

  #submit(fn: TaskFunction, kind: TaskKind, payload: unknown[], options: TaskOptions & { module?: ModuleLocation }, call: string): Promise<unknown> {
    if (this.#state !== 'running') {
      return Promise.reject(this.#state === 'broken' ? this.#brokenBy : new PoolClosedError(call));
    }
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(new AbortError(call, signal.reason));
    let fnId: number;
    try {
      fnId = this.#functionId(fn, options.module, call);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.#options.maxQueue > 0 && this.#queued >= this.#options.maxQueue) {
      if (this.#options.onFull === 'reject') return Promise.reject(new PoolQueueFullError(this.#options.maxQueue));
      return new Promise<void>((resolve) => this.#roomWaiters.push(resolve)).then(() => this.#submit(fn, kind, payload, options, call));
    }
    // The caller's getters (options) run before the shared executor, and its resolving functions are read right after
    // it: no other code (a submit from a getter) may run in between.
    const timeout = options.timeout ?? this.#options.taskTimeout;
    const retries = options.retries ?? this.#options.retries;
    const promise = new Promise(capture);
    const task = newTask(++this.#nextTaskId, fnId, kind, payload, captured.resolve, timeout, retries);
    if (signal) {
      const onAbort = () => this.#abort(task, new AbortError(call, signal.reason));
      try {
        signal.addEventListener('abort', onAbort, { once: true });
      } catch (error) {
        settle(task, false, error); // not an AbortSignal: the call fails, as any bad argument does
        return promise;
      }
      watchAbort(task, () => signal.removeEventListener('abort', onAbort));
    }
    this.#queue.push(task);
    this.#outstanding++;
    this.#updateKeepAlive();
    // A caller that submits many tasks in one run of its code (a loop of apply()) would have them all queued before
    // the first went out, its workers idle meanwhile: every EAGER_EVERY tasks queued, workers that are low get some now.
    if (this.#queued % EAGER_EVERY === 0 && !this.#holdEager) this.#dispatch(true);
    this.#scheduleDispatch();
    return promise;
  }

  #functionId(fn: TaskFunction, module: ModuleLocation | undefined, call: string): number {
    if (typeof fn === 'function') {
      const known = this.#functionIds.get(fn);
      if (known !== undefined) return known;
      // A new closure each call (pool.apply((x) => x + 1, …) in a loop) is the same function to a
      // worker: keyed by where it is found and its source, it is registered once.
      // (Its name too: two closures of the same source may be called different names, which errors must show.)
      const ref = describeFunction(fn, { module }, callerModule([ownDir]), call);
      const key = `${fn.name}\0${JSON.stringify(ref.candidates)}\0${ref.source ?? ''}`;
      let id = this.#namedFunctionIds.get(key);
      if (id === undefined) {
        id = this.#functionRefs.push(ref) - 1;
        this.#functionNames[id] = fn.name;
        this.#namedFunctionIds.set(key, id);
      }
      this.#functionIds.set(fn, id);
      return id;
    }
    if (typeof fn !== 'string') throw new InvalidArgumentError(`${call}: the task must be a function or an export name, got ${typeof fn}.`);
    const key = `${String(module && (typeof module === 'object' && 'url' in module ? module.url : module))}#${fn}`;
    let id = this.#namedFunctionIds.get(key);
    if (id === undefined) {
      id = this.#functionRefs.push(describeFunction(fn, { module }, undefined, call)) - 1;
      this.#functionNames[id] = fn;
      this.#namedFunctionIds.set(key, id);
    }
    return id;
  }

  #scheduleDispatch(): void {
    if (this.#dispatchScheduled) return;
    this.#dispatchScheduled = true;
    queueMicrotask(() => this.#dispatch());
  }

  /** Shares the queue out among ready workers, in batches sized by how much is waiting. `eager`: written in this call. */
  #dispatch(eager = false): void {
    if (!eager) {
      this.#dispatchScheduled = false;
      // What an eager dispatch took off the queue is reported here, not inside the caller's apply() ('drain').
      if (this.#shrunkEagerly) {
        this.#shrunkEagerly = false;
        // (Not once terminate() or a broken pool emptied the queue: no drain then.)
        if (this.#state === 'running' || this.#state === 'closing') this.#afterQueueShrank();
      }
    }
    if (this.#queued === 0) return;
    // One task each while the head task's function has not run yet: it may be long, and then must not pile up on one worker.
    const known = this.#runEstimate !== undefined && this.#steadyRunEstimates[this.#queue[this.#queueHead]!.fnId] !== undefined;
    const cap = known ? Math.max(1, Math.min(MAX_BATCH, Math.floor(BATCH_TARGET_MS / Math.max(this.#runEstimate!, 1e-3)))) : 1;
    // Tiny tasks, more workers than cores: spread over every worker they only add wake-ups and context switches
    // (the cores are busy anyway; measured: 8 workers on 2 cores spent 2.5x the CPU per task of 2), so only as many
    // workers as there are cores hold work at once. Longer tasks (or ones that wait on I/O), and those of a function
    // whose run time is not known yet, go to every worker. (Judged by the function of the task at the head of the queue.)
    const concentrate = this.#workers.size > CORES && this.#isTiny(this.#queue[this.#queueHead]!.fnId);
    // A fair share of all the work outstanding, queued and held by workers: judged by the queue alone, a queue fed
    // a task at a time (imap's look-ahead) gave shares of 1, so a worker was refilled only once empty, and idled
    // through every round trip (70% of the time for imap's chunks of 100 no-op items).
    let held = 0;
    for (const w of this.#workers) held += w.inflight.length;
    const share = Math.min(cap, Math.max(1, Math.ceil((this.#queued + held) / (concentrate ? CORES : this.#workers.size))));
    // (Concentrated: a worker busy with a task that is not tiny does not count as one of the cores' workers.)
    const open = (w: WorkerSlot) => w.ready && !w.retiring && !w.exited && (!concentrate || !this.#busyLong(w));
    // Refill a busy worker only once it has worked through a quarter of its share (REFILL_AT): one message per
    // quarter-share, not one per finished task. This runs after every result message, and most of the
    // time no worker is that low: then nothing is built or sorted.
    const low = (w: WorkerSlot) => w.inflight.length === 0 || w.inflight.length <= share * REFILL_AT;
    // Concentrated: the first open workers, one per core, always the same (they stay warm; the others finish what they hold).
    const feeding = concentrate ? CORES : Infinity;
    let anyLow = false;
    let seen = 0;
    for (const w of this.#workers) {
      if (!open(w)) continue;
      if (seen++ >= feeding) break;
      if (low(w)) anyLow = true;
    }
    if (!anyLow) return;
    const ready = [...this.#workers].filter(open).slice(0, feeding);
    ready.sort((a, b) => a.inflight.length - b.inflight.length);
    // Shared out over every live worker, ready or still starting: the first worker up must not take the
    // whole queue. And no more than about BATCH_TARGET_MS of work each: a worker holding long tasks
    // would keep them from workers that become free (one at a time until run times are known).
    const limit = this.#options.maxTasksPerChild;
    const now = performance.now();
    for (const worker of ready) {
      if (!low(worker)) continue;
      let room = share - worker.inflight.length;
      if (limit > 0) room = Math.min(room, limit - worker.assigned);
      const batch: Task[] = [];
      while (room > 0) {
        // A concentrated batch holds tiny tasks only: a longer one waits for the next dispatch, which shares it over every worker.
        if (concentrate && this.#queued > 0 && !this.#isTiny(this.#queue[this.#queueHead]!.fnId)) {
          this.#scheduleDispatch();
          break;
        }
        // An eager batch (see #submit) holds no task with a timeout or abort signal: its timer would start, or an abort
        // would kill its worker, while the caller's code still runs and its result cannot be read. The next dispatch sends it.
        if (eager && this.#queued > 0 && isWatched(this.#queue[this.#queueHead]!)) break;
        const task = this.#shift();
        if (!task) break;
        if (isSettled(task)) continue;
        this.#waitTimes.add(markSent(task, now));
        batch.push(task);
        room--;
      }
      if (batch.length > 0) this.#sendBatch(worker, batch, eager);
      if (this.#queued === 0) break;
    }
    // (An eager dispatch runs inside #submit, which schedules the dispatch that reports it.)
    if (eager) this.#shrunkEagerly = true;
    else this.#afterQueueShrank();
  }

  /** Tasks of this function are tiny (see `#dispatch`): its runs are known, and short. */
  #isTiny(fnId: number): boolean {
    return (this.#steadyRunEstimates[fnId] ?? Infinity) < TINY_TASK_MS;
  }

  /** The worker runs a task that is not tiny (see `#dispatch`). */
  #busyLong(worker: WorkerSlot): boolean {
    const running = worker.running;
    return running !== undefined && !this.#isTiny(running.fnId);
  }

  #sendBatch(worker: WorkerSlot, batch: Task[], now = false): void {
    const sending = worker.send(batch, (id) => ({ t: Msg.Fn, id, ref: this.#functionRefs[id]! }), now);
    this.#armHeadTimer(worker);
    sending.catch((error: unknown) => {
      if (!isUnsendable(error)) {
        // The worker died, and its exit handles the tasks it holds. Tasks it was not given (their list could not be
        // made) fail with the error.
        const held = new Set(worker.inflight);
        for (const task of batch) if (!held.has(task)) this.#settle(task, false, error);
        return;
      }
      // Nothing of this batch was sent: some task's arguments cannot be, or the batch is longer than one message may
      // be (maxFrameBytes: many tasks with large arguments). Sent in halves, down to the task at fault, which fails.
      worker.unsend(batch);
      if (batch.length === 1) {
        this.#settle(batch[0]!, false, error);
        this.#armHeadTimer(worker);
        return;
      }
      const half = Math.ceil(batch.length / 2);
      this.#sendBatch(worker, batch.slice(0, half));
      this.#sendBatch(worker, batch.slice(half));
    });
  }

  #afterQueueShrank(): void {
    const max = this.#options.maxQueue;
    while (this.#roomWaiters.length > 0 && (max === 0 || this.#queued < max)) this.#roomWaiters.shift()!();
    if (this.#queued === 0) this.emit('drain');
  }

  /** Wakes submissions waiting for room (onFull: 'wait'): they resubmit, and #submit rejects them with the pool's state. */
  #wakeRoomWaiters(): void {
    for (const wake of this.#roomWaiters.splice(0)) wake();
  }

  #spawn(): void {
    if (this.#state !== 'running' && this.#state !== 'closing') return;
    const [mine, theirs] = Pipe<ToWorker | FromWorker>();
    const journal = this.#journalPath(this.#spawned + 1);
    if (journal !== undefined) mine.recoverFrom(journal);
    const process = new Process({
      target: poolWorker,
      module: WORKER_MODULE,
      args: [theirs, this.#initializer, this.#options.initargs, journal],
      daemon: true,
      name: `PoolWorker-${++this.#spawned}`,
      execArgv: this.#options.execArgv,
    });
    process.start();
    const worker = new WorkerSlot(process, mine, journal);
    this.#workers.add(worker);
    worker.listening = this.#listen(worker);
    // Noticing the exit must not keep the parent alive (join() would).
    worker.gone = process[WAITABLE].whenReady(new AbortController().signal).then(() => this.#onExit(worker));
  }

  /**
   * Where worker `n` journals its results: in this pool's private directory, made (after sweeping dead pools' ones)
   * on first use. In shared memory (/dev/shm) where there is one: a journal write to a disk's file system (ext4 here)
   * cost a worker about a quarter of its CPU in a burst of no-op tasks.
   */
  #journalPath(n: number): string | undefined {
    if (this.#journalDir === undefined) {
      for (const base of JOURNAL_BASES) {
        try {
          // (Only directories left for 10 minutes: a /dev/shm shared with another PID namespace may hold a live pool's.)
          sweepSocketDirs(JOURNAL_DIR_PREFIX, base, SWEEP_AFTER_MS);
          this.#journalDir = privateSocketDir(JOURNAL_DIR_PREFIX, base);
          trackJournalDir(this.#journalDir);
          break;
        } catch {
          // Not there, or not writable: the next.
        }
      }
      // No place at all: workers write each result before the next task.
      if (this.#journalDir === undefined) return undefined;
    }
    return join(this.#journalDir, `worker-${n}`);
  }

  /** Removes the journal directory once no worker is left and none will start. */
  #removeJournalDir(): void {
    if (this.#journalDir === undefined || this.#workers.size > 0 || this.#state === 'running' || this.#state === 'closing') return;
    removeJournalDir(this.#journalDir);
    this.#journalDir = undefined;
  }

  async #listen(worker: WorkerSlot): Promise<void> {
    try {
      for (;;) {
        // Results come in bursts (a worker writes them in batches): one wait per burst.
        for (const message of (await worker.conn.recvMany(MAX_BATCH, { keepAlive: false })) as FromWorker[]) {
          if (message[0] === Msg.Ready) this.#onReady(worker);
          else this.#onResult(worker, message);
        }
      }
    } catch {
      // End of the pipe: the worker is leaving or died; #onExit settles what it held.
    }
  }

  #onReady(worker: WorkerSlot): void {
    worker.ready = true;
    this.#startupFailures = 0;
    this.emit('workerStart', { pid: worker.process.pid });
    if (workerChannel.hasSubscribers) workerChannel.publish({ event: 'start', pid: worker.process.pid });
    this.#scheduleDispatch();
  }

  #onResult(worker: WorkerSlot, message: TaskDone): void {
    const id = message[1];
    const ms = message[3] / 1000;
    // Tasks skipped by the worker (aborted before they started) report nothing: drop them on the way.
    let task = worker.inflight.shift();
    while (task && task.id !== id) task = worker.inflight.shift();
    if (task) {
      this.#runTimes.add(ms);
      this.#settle(task, message[0] === Msg.Done, message[2]);
    }
    // Read after its death (the rest of its pipe, its journal): settled, and nothing more.
    if (worker.exited) return;
    if (task) {
      this.#runEstimate = this.#runEstimate === undefined ? ms : this.#runEstimate * 0.8 + ms * 0.2;
      // One run counts for 2% and at most twice the threshold: a worker descheduled for 10 ms in a tiny task does
      // not turn it long, and a function that has become long crosses the threshold within some 35 runs.
      const steady = this.#steadyRunEstimates[task.fnId];
      const sample = Math.min(ms, 2 * TINY_TASK_MS);
      this.#steadyRunEstimates[task.fnId] = steady === undefined ? sample : steady * 0.98 + sample * 0.02;
    }
    if (message.length > 4) worker.rss = message[4]!;
    if (this.#options.maxRssBytes > 0 && worker.rss > this.#options.maxRssBytes) worker.retiring = true;
    const limit = this.#options.maxTasksPerChild;
    if (limit > 0 && worker.assigned >= limit) worker.retiring = true;
    this.#armHeadTimer(worker);
    if (worker.retiring && worker.running === undefined) void worker.conn.close();
    this.#scheduleDispatch();
    this.#maybeFinish();
  }

  /** Times the running task of `worker`, if it has a timeout. */
  #armHeadTimer(worker: WorkerSlot): void {
    const head = worker.running;
    if (head === worker.headTask) return;
    worker.clearHeadTimer();
    const timeout = head && timeoutOf(head);
    if (!head || timeout === undefined) return;
    worker.headTask = head;
    worker.headTimer = setTimeout(() => {
      if (worker.running !== head) return;
      this.#endRunning(worker, head, new TimeoutError(`Pool task ${head.id} (${this.#functionNames[head.fnId] || 'anonymous'})`, timeout));
    }, timeout);
    worker.headTimer.unref();
  }

  /** A task asked to stop: dropped if queued; skipped by its worker if waiting there; its worker killed if running. */
  #abort(task: Task, error: Error): void {
    if (isSettled(task)) return;
    for (const worker of this.#workers) {
      if (!worker.inflight.includes(task)) continue;
      if (worker.running === task) return this.#endRunning(worker, task, error);
      this.#settle(task, false, error);
      void worker.conn.send({ t: Msg.Skip, id: task.id }).catch(() => {});
      return;
    }
    this.#settle(task, false, error); // still queued: skipped when dispatched
  }

  /** Ends a running task by killing its worker; the exit requeues the others and replaces it. */
  #endRunning(worker: WorkerSlot, task: Task, error: Error): void {
    this.#settle(task, false, error);
    worker.clearHeadTimer();
    worker.retiring = true;
    worker.killedFor = task;
    worker.process.kill();
  }

  async #onExit(worker: WorkerSlot): Promise<void> {
    worker.exited = true;
    worker.clearHeadTimer();
    // What it wrote before it died, and the results in its journal, come first: only then is the
    // oldest task it held and did not answer the one that was running.
    // (A worker that never said ready has sent nothing, and may have died before it took its end of
    // the pipe, whose other end then never sees EOF.)
    if (worker.ready) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([worker.listening, new Promise<void>((resolve) => (timer = setTimeout(resolve, DRAIN_AFTER_EXIT_MS).unref()))]);
      clearTimeout(timer);
    }
    worker.clearHeadTimer();
    this.#workers.delete(worker);
    void worker.conn.close().catch(() => {});
    if (worker.journal !== undefined) rmSync(worker.journal, { force: true });
    this.#removeJournalDir();
    const { pid, exitCode, signalCode } = worker.process;
    const held = worker.inflight.filter((task) => !isSettled(task));
    worker.inflight.length = 0;
    const planned = (worker.retiring && held.length === 0) || worker.killedFor !== undefined;
    // A listener may submit tasks; sent eagerly (see #submit), they would go out ahead of the ones requeued below.
    this.#holdEager = true;
    try {
      this.emit('workerExit', { pid, exitCode, signal: signalCode, crashed: !planned });
      if (workerChannel.hasSubscribers) workerChannel.publish({ event: 'exit', pid, exitCode, signal: signalCode });
    } finally {
      this.#holdEager = false;
    }
    if (this.#state === 'terminated') {
      for (const task of held) this.#settle(task, false, new PoolTerminatedError());
      return;
    }
    if (this.#state === 'broken') {
      for (const task of held) this.#settle(task, false, this.#brokenBy);
      this.#updateKeepAlive();
      return;
    }
    // A worker that was told to leave before it was ready (close()) did not fail to start.
    if (!worker.ready && worker.retiring) {
      this.#requeue(held);
    } else if (!worker.ready) {
      this.#startupFailures++;
      this.#requeue(held);
      if (this.#startupFailures >= this.#options.maxStartupFailures) return this.#break(pid, exitCode, signalCode);
    } else if (worker.killedFor) {
      // Killed on purpose to end its running task (already settled): the rest never started.
      this.#requeue(held);
    } else if (held.length > 0) {
      this.#counts.crashed++;
      const [running, ...waiting] = held;
      this.#requeue(waiting);
      if (retry(running!)) {
        this.#counts.retried++;
        this.#requeue([running!]);
      } else {
        this.#settle(running!, false, new WorkerCrashedError(pid, exitCode, signalCode, { id: running!.id, fn: this.#functionNames[running!.fnId]! }));
      }
    } else if (!planned && exitCode !== 0) {
      this.#counts.crashed++;
    }
    if (this.#state === 'running' || (this.#state === 'closing' && this.#queued > 0)) this.#spawn();
    this.#scheduleDispatch();
    this.#maybeFinish();
  }

  #break(pid: number | undefined, exitCode: number | null, signal: NodeJS.Signals | null): void {
    this.#state = 'broken';
    this.#brokenBy = new PoolBrokenError(this.#startupFailures, {
      cause: new Error(`the last worker (pid ${pid}) exited with ${signal ? `signal ${signal}` : `code ${exitCode}`} before it was ready; its error is on stderr`),
    });
    for (let task = this.#shift(); task; task = this.#shift()) this.#settle(task, false, this.#brokenBy);
    this.#wakeRoomWaiters();
    for (const worker of this.#workers) {
      for (const task of worker.inflight) this.#settle(task, false, this.#brokenBy);
      worker.inflight.length = 0;
      worker.clearHeadTimer();
      worker.process.kill();
    }
    this.#updateKeepAlive();
  }

  #settle(task: Task, ok: boolean, value: unknown): void {
    const waitMs = task.state === TaskState.Sent ? task.time : undefined;
    if (!settle(task, ok, value)) return;
    this.#outstanding--;
    if (ok) this.#counts.completed++;
    else {
      this.#counts.failed++;
      if (this.listenerCount('taskError') > 0) this.emit('taskError', value, { id: task.id, fn: this.#functionNames[task.fnId]! });
    }
    if (taskChannel.hasSubscribers) taskChannel.publish({ id: task.id, fn: this.#functionNames[task.fnId]!, ok, waitMs });
    this.#updateKeepAlive();
  }

  /** While tasks are outstanding the pool keeps the process alive; an idle pool does not. */
  #updateKeepAlive(): void {
    const outstanding = this.#outstanding > 0;
    // One timer for the pool's life, ref'd and unref'd: making and clearing one per busy spell cost ~5–8 µs
    // of a sequential apply()'s round trip. Cleared once the pool takes no more tasks and is idle.
    if (outstanding) (this.#keepAlive ??= setInterval(() => {}, 1 << 30)).ref();
    else if (this.#keepAlive && this.#state !== 'running') {
      clearInterval(this.#keepAlive);
      this.#keepAlive = undefined;
    } else this.#keepAlive?.unref();
  }

  /** After close(): once nothing is queued or running, workers are told to leave. */
  #maybeFinish(): void {
    if (this.#state !== 'closing' || this.#queued > 0) return;
    for (const worker of this.#workers) if (worker.running) return;
    this.#state = 'closed';
    for (const worker of this.#workers) {
      worker.retiring = true;
      void worker.conn.close().catch(() => {});
    }
  }
}
