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
import { checkBlockingOptions, type BlockingOptions } from '@multiproc/wire';
import type { ConsumerDeathPolicy, LostItems } from './queue-backend.js';
import { Queue, type QueueClassInternals, type QueueOptions } from './queue.js';

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
 * reported to `onLostItems` (`'done'`). `taskDone()` may come from another
 * process than the one that took the item.
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
    const internals: QueueOptions & QueueClassInternals<T> = {
      ...options,
      joinable: true,
      policy: options.onConsumerDeath,
      onLost: options.onLostItems,
    };
    super(internals);
  }

  /**
   * Marks one item taken with `get()` as done.
   *
   * @throws {TaskDoneError} `ERR_TASK_DONE_TOO_MANY` when called more times than items were taken.
   */
  taskDone(): Promise<void> {
    return this._backend.taskDone();
  }

  /**
   * Resolves when every item ever put has been marked done (at once if none is pending).
   *
   * @throws {TimeoutError} `ERR_TIMEOUT` / {@link @multiproc/wire!AbortError} `ERR_ABORTED` when `timeout` or `signal` end the wait.
   * @throws {OwnerGoneError} `ERR_OWNER_GONE` when the owning process has exited.
   * @throws {InvalidArgumentError} `ERR_INVALID_ARGUMENT` for bad options (Python's `join(0.1)`: write `join({ timeout: 100 })`).
   */
  join(options?: BlockingOptions): Promise<void> {
    const call = 'JoinableQueue.join()';
    try {
      checkBlockingOptions(call, options, 'join({ timeout: 100 })');
    } catch (error) {
      return Promise.reject(error);
    }
    return this._backend.join({ call, timeout: options?.timeout, signal: options?.signal });
  }
}
