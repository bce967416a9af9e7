/**
 * `JoinableQueue<T>`: a Queue whose consumers mark items done, so a producer can `join()`.
 *
 * Unlike Python's, a consumer that dies between `get()` and `taskDone()` does
 * not make `join()` hang: its unfinished items go back to the head of the
 * queue (or, with `onConsumerDeath: 'done'`, are counted done and reported to
 * `onLostItems`).
 *
 * @module
 */
import type { BlockingOptions } from '@multiproc/wire';
import { Queue, type QueueInternals, type QueueOptions } from './queue.js';
import type { ConsumerDeathPolicy, LostItems } from './queue-state.js';

/** Options of a {@link JoinableQueue}. */
export interface JoinableQueueOptions<T> extends QueueOptions {
  /** What happens to the unfinished items of a consumer process that dies. @default 'requeue' */
  onConsumerDeath?: ConsumerDeathPolicy;
  /** With `onConsumerDeath: 'done'`: told which items a dead consumer took and never finished. Runs in the owner. */
  onLostItems?: (lost: LostItems<T>) => void;
}

/**
 * A {@link Queue} whose consumers call `taskDone()` for each item they took, so
 * that `join()` can wait until every item put has been processed (Python's
 * `JoinableQueue`). A consumer process that dies between `get()` and
 * `taskDone()` does not make `join()` hang: its items go back to the head of the
 * queue (`onConsumerDeath: 'requeue'`, the default) or count as done and are
 * reported to `onLostItems` (`'done'`).
 *
 * @example
 * ```ts
 * const tasks = new JoinableQueue<string>();
 * for (const url of urls) await tasks.put(url);
 * // consumers: for await (const url of tasks) { await fetchIt(url); await tasks.taskDone(); }
 * await tasks.join();   // every url was taken and marked done
 * ```
 */
export class JoinableQueue<T = unknown> extends Queue<T> {
  /**
   * Creates one owned by this process; pass it to children as an argument.
   *
   * @throws {InvalidArgumentError} `ERR_INVALID_ARGUMENT` for a negative or fractional `maxsize`.
   */
  constructor(options: JoinableQueueOptions<T> = {}) {
    const internals: QueueOptions & QueueInternals<T> = {
      ...options,
      joinable: true,
      ...(options.onConsumerDeath ? { policy: options.onConsumerDeath } : {}),
      ...(options.onLostItems ? { onLost: options.onLostItems } : {}),
    };
    super(internals);
  }

  /**
   * Marks one item taken with `get()` as done.
   *
   * @throws {TaskDoneError} `ERR_TASK_DONE_TOO_MANY` when called more times than items were taken.
   */
  taskDone(): Promise<void> {
    return this._op('taskDone', [], undefined, (state) => state.taskDone());
  }

  /**
   * Resolves when every item ever put has been marked done (at once if none is pending).
   *
   * @throws {TimeoutError} `ERR_TIMEOUT` / {@link @multiproc/wire!AbortError} `ERR_ABORTED` when `timeout` or `signal` end the wait.
   * @throws {OwnerGoneError} `ERR_OWNER_GONE` when the owning process has exited.
   */
  join(options?: BlockingOptions): Promise<void> {
    return this._op('join', [], options, (state, signal) => state.join(signal));
  }
}
