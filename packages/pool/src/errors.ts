/**
 * The errors @multiproc/pool throws besides the shared ones (ERR_TIMEOUT, ERR_ABORTED, ERR_ENCODE…).
 *
 * @module
 */
import { MultiprocError, registerErrorClass, type MultiprocErrorOptions } from '@multiproc/wire';

/** What a {@link WorkerCrashedError} says about the task. */
export interface CrashedTask {
  /** The pool's id of the task. */
  id: number;
  /** The task function's name. */
  fn: string;
}

/**
 * `ERR_WORKER_CRASHED`: the worker process running this task died (killed, out of memory,
 * `process.exit()`, a native crash). Only the task it was running gets this error; the pool
 * replaced the worker and goes on. Pass `retries` for tasks that are safe to run again.
 */
export class WorkerCrashedError extends MultiprocError {
  /** The worker's pid. */
  readonly pid: number | undefined;
  /** Its exit code (minus the signal number when a signal ended it), or null. */
  readonly exitCode: number | null;
  /** The signal that ended it, or null. */
  readonly signal: NodeJS.Signals | null;
  /** The task that was running. */
  readonly task: CrashedTask;

  constructor(pid: number | undefined, exitCode: number | null, signal: NodeJS.Signals | null, task: CrashedTask) {
    super(
      'ERR_WORKER_CRASHED',
      `Pool: worker ${pid} died running task ${task.id} (${task.fn || 'anonymous'}) ` +
        `(${signal ? `signal ${signal}` : `exit code ${exitCode}`}). Only this task failed; the pool replaced the worker. ` +
        'Pass { retries: n } for a task that is safe to run again.',
    );
    this.pid = pid;
    this.exitCode = exitCode;
    this.signal = signal;
    this.task = task;
  }
}

/** `ERR_POOL_CLOSED`: a task was submitted after `close()` or `terminate()`. */
export class PoolClosedError extends MultiprocError {
  constructor(call: string, options?: MultiprocErrorOptions) {
    super('ERR_POOL_CLOSED', `${call}: the pool is closed; it takes no more tasks. Make a new Pool.`, options);
  }
}

/** `ERR_POOL_TERMINATED`: the pool was terminated while this task waited or ran. */
export class PoolTerminatedError extends MultiprocError {
  constructor() {
    super('ERR_POOL_TERMINATED', 'Pool: terminate() was called before this task finished; its workers were killed.');
  }
}

/** `ERR_POOL_QUEUE_FULL`: `maxQueue` tasks already wait, and the pool is set to reject (`onFull: 'reject'`). */
export class PoolQueueFullError extends MultiprocError {
  constructor(maxQueue: number) {
    super(
      'ERR_POOL_QUEUE_FULL',
      `Pool: ${maxQueue} tasks already wait (maxQueue). Wait for the 'drain' event, or set onFull: 'wait' to wait instead of failing.`,
    );
  }
}

/** `ERR_POOL_BROKEN`: workers kept dying while starting (e.g. the initializer throws), so the pool stopped starting them. */
export class PoolBrokenError extends MultiprocError {
  constructor(failures: number, options?: MultiprocErrorOptions) {
    super(
      'ERR_POOL_BROKEN',
      `Pool: ${failures} workers in a row died while starting (before they could take a task), so the pool gave up. ` +
        'The cause is the last one; check the initializer and the task module.',
      options,
    );
  }
}

/**
 * `ERR_RESULT_DECODE`: the task ran, but its result could not be rebuilt in the pool's process (the cause says why:
 * typically a class registered with `registerPassable()` whose `decode` throws here, or whose module cannot be
 * imported here). Only this task fails; its worker, whose pipe cannot be read past that result, is replaced.
 */
export class ResultDecodeError extends MultiprocError {
  /** The task whose result it was. */
  readonly task: CrashedTask;

  constructor(task: CrashedTask, options?: MultiprocErrorOptions) {
    super(
      'ERR_RESULT_DECODE',
      `Pool: the result of task ${task.id} (${task.fn || 'anonymous'}) could not be decoded in the pool's process` +
        `${options?.cause instanceof Error && options.cause.cause instanceof Error ? ` (${options.cause.cause.message})` : ''}. ` +
        'Only this task failed; its worker was replaced. Make the result decodable here: a class passed by registerPassable() ' +
        'must be registered, and decode, in every process that receives it.',
      options,
    );
    this.task = task;
  }
}

registerErrorClass(WorkerCrashedError);
registerErrorClass(ResultDecodeError);
registerErrorClass(PoolClosedError);
registerErrorClass(PoolTerminatedError);
registerErrorClass(PoolQueueFullError);
registerErrorClass(PoolBrokenError);
