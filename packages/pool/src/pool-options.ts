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

/** The longest timer Node keeps (about 24.8 days): a longer `setTimeout` fires at once. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

const OPTION_NAMES: ReadonlySet<string> = new Set([
  'processes', 'initializer', 'initargs', 'maxTasksPerChild', 'maxRssBytes', 'maxQueue', 'onFull', 'taskTimeout',
  'retries', 'maxStartupFailures', 'execArgv', 'backend', 'name',
]);

const show = (value: unknown): string => (typeof value === 'string' ? JSON.stringify(value) : typeof value === 'function' ? 'a function' : String(value));

/** A whole number ≥ `min`, or undefined. */
function wholeNumber(call: string, name: string, value: unknown, min: number, meaning: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new InvalidArgumentError(`${call}: ${name} must be a whole number ≥ ${min} (${meaning}), got ${show(value)}.`);
  }
  return value;
}

/**
 * A task's `timeout` (or the pool's `taskTimeout`): undefined, or ms > 0 that a timer can hold.
 * @throws {InvalidArgumentError} `ERR_INVALID_ARGUMENT` otherwise (0, a negative number, NaN: never a timeout at once).
 */
export function checkTimeout(call: string, name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !(value > 0 && value <= MAX_TIMEOUT_MS)) {
    throw new InvalidArgumentError(`${call}: ${name} must be a number of milliseconds > 0 (at most ${MAX_TIMEOUT_MS}), or left out for none; got ${show(value)}.`);
  }
  return value;
}

/** A task's `retries`: undefined, or a whole number ≥ 0. */
export const checkRetries = (call: string, value: unknown): number | undefined => wholeNumber(call, 'retries', value, 0, 'times a task runs again when its worker dies');

/**
 * Checks `options` and fills in the defaults.
 * @throws {InvalidArgumentError} `ERR_INVALID_ARGUMENT` for a bad option, an unknown one, or options that are not an object.
 */
export function checkPoolOptions(options: PoolOptions): CheckedPoolOptions {
  const call = 'new Pool()';
  if (typeof options === 'number') {
    throw new InvalidArgumentError(`${call}: options must be an object; for ${options} workers, write new Pool({ processes: ${options} }).`);
  }
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidArgumentError(`${call}: options must be an object such as { processes: 4 }, got ${show(options)}.`);
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_NAMES.has(key)) throw new InvalidArgumentError(`${call}: unknown option ${JSON.stringify(key)}; the options are ${[...OPTION_NAMES].join(', ')}.`);
  }
  const processes = wholeNumber(call, 'processes', options.processes, 1, 'worker processes') ?? cpuCount();
  const { initializer, initargs, execArgv, onFull, backend, name } = options;
  if (initializer !== undefined && typeof initializer !== 'function') {
    throw new InvalidArgumentError(`${call}: initializer must be a function (exported from its module, or self-contained), got ${show(initializer)}.`);
  }
  if (initargs !== undefined && !Array.isArray(initargs)) {
    throw new InvalidArgumentError(`${call}: initargs must be an array of the initializer's arguments, got ${show(initargs)}; pass [value] for one.`);
  }
  if (execArgv !== undefined && !(Array.isArray(execArgv) && execArgv.every((flag) => typeof flag === 'string'))) {
    throw new InvalidArgumentError(`${call}: execArgv must be an array of Node flags (strings), such as ['--max-old-space-size=512'], got ${show(execArgv)}.`);
  }
  if (onFull !== undefined && onFull !== 'reject' && onFull !== 'wait') {
    throw new InvalidArgumentError(`${call}: onFull must be 'reject' or 'wait', got ${show(onFull)}.`);
  }
  if (backend !== undefined && typeof (backend as Partial<PoolEngineProvider> | null)?.createPoolEngine !== 'function') {
    throw new InvalidArgumentError(`${call}: backend must make pool engines (createPoolEngine()), such as @multiproc/redis's connect() gives, got ${show(backend)}.`);
  }
  if (name !== undefined && (typeof name !== 'string' || name === '')) {
    throw new InvalidArgumentError(`${call}: name must be a non-empty string, got ${show(name)}.`);
  }
  return {
    engine: {
      processes,
      initializer: initializer ? describeFunction(initializer, {}, poolCaller(), 'new Pool() initializer') : undefined,
      initargs: initargs ?? [],
      maxTasksPerChild: wholeNumber(call, 'maxTasksPerChild', options.maxTasksPerChild, 0, '0: never replace a worker') ?? 0,
      maxRssBytes: wholeNumber(call, 'maxRssBytes', options.maxRssBytes, 0, 'bytes; 0: no limit') ?? 0,
      maxQueue: wholeNumber(call, 'maxQueue', options.maxQueue, 0, '0: no limit') ?? 0,
      onFull: onFull ?? 'reject',
      maxStartupFailures: wholeNumber(call, 'maxStartupFailures', options.maxStartupFailures, 1, 'workers in a row') ?? 3,
      execArgv,
    },
    taskTimeout: checkTimeout(call, 'taskTimeout', options.taskTimeout),
    retries: checkRetries(call, options.retries) ?? 0,
  };
}

/**
 * A call's options are an object. Python's positional forms are named here: a number (`pool.map(fn, items, 2)`: write
 * `{ chunksize: 2 }`), a function (`apply_async(fn, args, callback)`: write `{ callback }`).
 * @throws {InvalidArgumentError} `ERR_INVALID_ARGUMENT` otherwise.
 */
export function checkCallOptions(call: string, options: unknown, numberMeans: string): void {
  if (typeof options === 'object' && options !== null) return;
  const form =
    typeof options === 'number' ? `; write { ${numberMeans}: ${options} }` : typeof options === 'function' ? '; write { callback } (and { errorCallback })' : '';
  throw new InvalidArgumentError(`${call}: options must be an object${form}, got ${String(options)}.`);
}
