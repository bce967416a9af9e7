/**
 * The seam between the `Pool` facade and what runs its tasks.
 *
 * `Pool` (pool.ts) checks arguments, turns each task function into a {@link FunctionRef} once (an id in its
 * {@link FunctionCatalog}), splits `map`/`imap` input into chunks, and hands every task to a {@link PoolEngine}.
 * The engine queues it, runs it somewhere, and settles the promise `submit()` returned. Two engines are meant to
 * exist: the local one (local/process-engine.ts: worker processes on this machine), and one on Redis (issue #17:
 * tasks travel in batches on a named queue; remote agents run them on an ordinary local Pool; results come back).
 *
 * A new engine implements {@link PoolEngine} and is made by a {@link PoolEngineProvider}, given to the pool as
 * `new Pool({ backend, name })`. It imports from `@multiproc/pool` only what this file, errors.ts and
 * pool-stats.ts export.
 *
 * What every engine promises (the pool's documented semantics; test/pool.test.ts states them for the local one):
 * - every promise `submit()` returns settles exactly once, whatever dies;
 * - a task runs once, unless its runner died while running it and it has retries left (then it runs again, and
 *   its runs count against `retries`); a task whose runner died with no retries left rejects with
 *   `WorkerCrashedError`, and no other task pays for that death;
 * - `timeout` starts when the task starts to run (not while it waits); past it the task rejects with
 *   `TimeoutError` and its run is stopped (the local engine kills and replaces the worker);
 * - `signal` aborting removes a waiting task, or stops a running one, which rejects with `AbortError`;
 * - after `close()`, the tasks already submitted run to their end; after `terminate()`, the ones not finished
 *   reject with `PoolTerminatedError`;
 * - while a task is outstanding, the engine keeps the process alive; an idle engine does not.
 *
 * @module
 */
import type { FunctionRef } from '@multiproc/process';
import type { PoolStats } from './pool-stats.js';

/**
 * How a task calls its function: `fn(...payload)` (Call), `fn(item)` for each item of the chunk `payload` (Map), or
 * `fn(...item)` for each (Starmap), the result of a Map or Starmap task being the array of the items' results.
 * (Numbers, and a plain object rather than a `const enum`: other packages' engines read them, compiled on their own.)
 */
export const TaskKind = {
  Call: 0,
  Map: 1,
  Starmap: 2,
} as const;
/** One of {@link TaskKind}'s values. */
export type TaskKind = (typeof TaskKind)[keyof typeof TaskKind];

/**
 * The pool's task functions, by id: the facade gives each function an id the first time it is submitted (closures
 * made again per call share one), and keeps the table; an engine reads it. Ids are small whole numbers from 0,
 * never reused during the pool's life, so an engine may keep what it derives from a function in an array by id.
 */
export interface FunctionCatalog {
  /** Where the function is found (its module and export, or its source for a self-contained one). */
  ref(id: number): FunctionRef;
  /** Its name, for errors and events (`''` for an anonymous function). */
  name(id: number): string;
}

/**
 * The events of a pool, emitted by its engine (the facade is an `EventEmitter` and passes itself):
 * - `'workerStart'` `{ pid }`: a worker is ready for tasks;
 * - `'workerExit'` `{ pid, exitCode, signal, crashed }`: a worker exited (`crashed`: the pool did not plan it);
 * - `'taskError'` `(error, { id, fn })`: a task failed (emit it only when `listenerCount('taskError') > 0`);
 * - `'drain'`: the engine's queue of waiting tasks emptied.
 *
 * An engine with no workers of its own (Redis: remote agents) may emit no `workerStart`/`workerExit`.
 */
export interface PoolEvents {
  emit(event: 'workerStart', info: { pid: number | undefined }): boolean;
  emit(event: 'workerExit', info: { pid: number | undefined; exitCode: number | null; signal: NodeJS.Signals | null; crashed: boolean }): boolean;
  emit(event: 'taskError', error: unknown, task: { id: number; fn: string }): boolean;
  emit(event: 'drain'): boolean;
  listenerCount(event: 'taskError'): number;
}

/**
 * The pool's options, checked by the facade (every bad one is an `ERR_INVALID_ARGUMENT` at `new Pool()`), with
 * their defaults filled in. An engine honours those it can, and says in its docs which it does not.
 */
export interface EngineOptions {
  /** Worker processes to keep (`PoolOptions.processes`, default `cpuCount()`). */
  processes: number;
  /** Run in each worker before its first task, with {@link EngineOptions.initargs}. */
  initializer: FunctionRef | undefined;
  initargs: unknown[];
  /** A worker is replaced after running this many tasks (0: never). */
  maxTasksPerChild: number;
  /** A worker whose resident memory exceeds this many bytes is replaced after its current tasks (0: never). */
  maxRssBytes: number;
  /** Most tasks waiting for a worker (0: no limit). */
  maxQueue: number;
  /** Submitting beyond `maxQueue`: reject with `PoolQueueFullError`, or wait for room. */
  onFull: 'reject' | 'wait';
  /** Consecutive workers failing to start (of their own making) before the engine gives up: `PoolBrokenError`. */
  maxStartupFailures: number;
  /** Node flags for the workers (undefined: this process's). */
  execArgv: string[] | undefined;
}

/** What an engine is made from: see {@link PoolEngineProvider}. */
export interface PoolEngineSetup {
  /** The pool's name (`PoolOptions.name`): two pools of one name on one backend share their tasks. Undefined: a private pool. */
  name: string | undefined;
  options: Readonly<EngineOptions>;
  functions: FunctionCatalog;
  events: PoolEvents;
}

/** Makes engines: what `new Pool({ backend })` takes (a Redis backend from `@multiproc/redis` is one). */
export interface PoolEngineProvider {
  createPoolEngine(setup: PoolEngineSetup): PoolEngine;
}

/**
 * Runs a pool's tasks. The facade calls it only with checked arguments, and never after `terminate()`; `submit()`
 * after `close()` is not called either (the facade rejects with `PoolClosedError` itself).
 */
export interface PoolEngine {
  /**
   * About how many tasks it runs at once: the facade sizes `map`'s default chunks (`items / (processes × 4)`, as
   * Python) and `imap`'s look-ahead from it.
   */
  readonly processes: number;

  /**
   * Queues one task; the promise settles with its result (a Map/Starmap task: the array of its items' results),
   * or rejects with its error: the error the function threw (same class, message, stack), `WorkerCrashedError`,
   * `TimeoutError`, `AbortError`, `PoolTerminatedError`, `PoolBrokenError`, `PoolQueueFullError`, or the encoder's
   * `ERR_ENCODE`/`ERR_FRAME_TOO_LARGE` for this task only.
   *
   * This is the hot path (a burst is a million calls): the arguments are positional (no object per task), the
   * engine keeps `payload` (the caller gave it up), and nothing that can be checked before, is checked here.
   *
   * @param fnId - the function, an id of {@link PoolEngineSetup.functions}.
   * @param kind - how to call it: {@link TaskKind}.
   * @param payload - a Call's arguments, or a Map/Starmap chunk's items.
   * @param timeout - ms it may run, a finite number > 0, or undefined for no limit (the pool's `taskTimeout` filled in).
   * @param retries - times to run it again if its runner dies while running it (whole, ≥ 0; the pool's default filled in).
   * @param signal - aborts it (`AbortError` with `signal.reason`); not already aborted when given.
   * @param call - the public call, for messages (`'Pool.apply()'`, `'Pool.map()'`…).
   */
  submit(fnId: number, kind: TaskKind, payload: unknown[], timeout: number | undefined, retries: number, signal: AbortSignal | undefined, call: string): Promise<unknown>;

  /** Counters and timings, a snapshot: see {@link PoolStats}. */
  stats(): PoolStats;

  /** Takes no more tasks (the facade stops calling `submit`); finishes those it has, then its workers leave. Idempotent. */
  close(): void;

  /**
   * Stops at once: waiting tasks reject with `PoolTerminatedError`, running ones too unless their result was
   * already on its way (then they get it); workers are killed. Idempotent; may follow `close()`.
   */
  terminate(): void;

  /**
   * Resolves once, after `close()` or `terminate()`, every worker is gone and every task it held is settled.
   * (Only called after one of them.)
   */
  join(): Promise<void>;
}
