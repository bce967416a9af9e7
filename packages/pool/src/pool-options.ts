/**
 * The options of a Pool and of its calls, and their checks: a bad option is an `ERR_INVALID_ARGUMENT` at the call
 * that takes it, never a surprise later.
 *
 * @module
 */
import { cpuCount, describeFunction } from '@multiproc/process';
import { InvalidArgumentError } from '@multiproc/wire';
import type { EngineOptions, PoolEngineProvider } from './engine.js';
import { poolCaller } from './function-table.js';

/** Per-task options. */
export interface TaskOptions {
  /** ms the task may run; past it its worker is killed and replaced, and only this task rejects (`ERR_TIMEOUT`). @default the pool's taskTimeout */
  timeout?: number | undefined;
  /** Aborts the task: removed if still queued; its worker killed and replaced if running (`ERR_ABORTED`). */
  signal?: AbortSignal | undefined;
  /** How many times to run it again if its worker crashes (only for tasks safe to repeat). @default the pool's retries (0) */
  retries?: number | undefined;
}

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
  /**
   * What runs the tasks: a backend that makes pool engines (e.g. `@multiproc/redis`'s). @default worker processes
   * on this machine
   */
  backend?: PoolEngineProvider | undefined;
  /** The pool's name on its `backend` (pools of one name share their tasks). @default none: a private pool */
  name?: string | undefined;
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

/** A Pool's options, checked, with their defaults. */
export interface CheckedPoolOptions {
  engine: EngineOptions;
  /** Defaults of each task. */
  taskTimeout: number | undefined;
  retries: number;
}

/**
 * Checks `options` and fills in the defaults.
 * @throws {InvalidArgumentError} `ERR_INVALID_ARGUMENT` for a bad option.
 */
export function checkPoolOptions(options: PoolOptions): CheckedPoolOptions {
  const processes = options.processes ?? cpuCount();
  if (!Number.isInteger(processes) || processes < 1) {
    throw new InvalidArgumentError(`new Pool(): processes must be a whole number ≥ 1, got ${String(processes)}.`);
  }
  return {
    engine: {
      processes,
      initializer: options.initializer ? describeFunction(options.initializer, {}, poolCaller(), 'new Pool() initializer') : undefined,
      initargs: options.initargs ?? [],
      maxTasksPerChild: options.maxTasksPerChild ?? 0,
      maxRssBytes: options.maxRssBytes ?? 0,
      maxQueue: options.maxQueue ?? 0,
      onFull: options.onFull ?? 'reject',
      maxStartupFailures: options.maxStartupFailures ?? 3,
      execArgv: options.execArgv,
    },
    taskTimeout: options.taskTimeout,
    retries: options.retries ?? 0,
  };
}
