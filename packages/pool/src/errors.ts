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

registerErrorClass(WorkerCrashedError);
registerErrorClass(PoolClosedError);
registerErrorClass(PoolTerminatedError);
registerErrorClass(PoolQueueFullError);
registerErrorClass(PoolBrokenError);
