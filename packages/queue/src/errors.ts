/**
 * The errors @multiproc/queue throws besides the shared ones (ERR_CLOSED, ERR_TIMEOUT, ERR_ABORTED, ERR_OWNER_GONE).
 *
 * @module
 */
import { MultiprocError, registerErrorClass } from '@multiproc/wire';

/** `ERR_QUEUE_EMPTY`: `getNowait()` on an empty queue (Python's `queue.Empty`). */
export class EmptyError extends MultiprocError {
  constructor(call: string) {
    super('ERR_QUEUE_EMPTY', `${call}: the queue is empty. Use get() to wait for an item.`);
  }
}

/** `ERR_QUEUE_FULL`: `putNowait()` on a queue holding `maxsize` items (Python's `queue.Full`). */
export class FullError extends MultiprocError {
  constructor(call: string, maxsize: number) {
    super('ERR_QUEUE_FULL', `${call}: the queue is full (maxsize ${maxsize}). Use put() to wait for room.`);
  }
}

/** `ERR_TASK_DONE_TOO_MANY`: `taskDone()` called more times than items were taken (Python raises ValueError). */
export class TaskDoneError extends MultiprocError {
  constructor() {
    super('ERR_TASK_DONE_TOO_MANY', 'JoinableQueue.taskDone(): called more times than there were items taken with get().');
  }
}

registerErrorClass(EmptyError);
registerErrorClass(FullError);
registerErrorClass(TaskDoneError);
