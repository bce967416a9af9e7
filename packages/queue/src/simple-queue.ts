/**
 * `SimpleQueue<T>`: Python's `multiprocessing.SimpleQueue`, the minimal unbounded
 * queue: `put`, `get`, `empty`, `close`. It is a Queue with no bound.
 *
 * @module
 */
import { ClosedError } from '@multiproc/wire';
import type { QueueInternals } from './create-backend.js';
import { Queue } from './queue.js';

/**
 * Python's `SimpleQueue`: an unbounded {@link Queue} (`put`, `get`, `empty`, `close`).
 *
 * @example
 * ```ts
 * const results = new SimpleQueue<number>();
 * await results.put(42);
 * await results.get(); // 42
 * ```
 */
export class SimpleQueue<T = unknown> extends Queue<T> {
  /** This process called `close()`. */
  #closedHere = false;

  /** Creates one owned by this process, or with `{ name, backend }` on a backend. @param internals - `{ name, backend }`; its other fields are internal. */
  constructor(internals: QueueInternals<T> = {}) {
    super({ ...internals, maxsize: 0 } as object);
  }

  /** Closes the queue (see {@link Queue.close}); `empty()` in this process then rejects with `ERR_CLOSED`, as Python's raises. */
  override close(): Promise<void> {
    this.#closedHere = true;
    return super.close();
  }

  /**
   * True when the queue holds no items (a snapshot).
   *
   * @throws {ClosedError} `ERR_CLOSED` after this process called `close()` (Python raises too).
   */
  override async empty(): Promise<boolean> {
    if (this.#closedHere) throw new ClosedError('SimpleQueue.empty(): this process closed the queue. Do not use a queue after close().');
    return super.empty();
  }
}
