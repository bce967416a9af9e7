/**
 * `SimpleQueue<T>`: Python's `multiprocessing.SimpleQueue`, the minimal unbounded
 * queue: `put`, `get`, `empty`, `close`. It is a Queue with no bound.
 *
 * @module
 */
import type { ProxyOptions } from '@multiproc/wire';
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
  /** Creates one owned by this process. @param internals - internal: how a received handle is rebuilt; leave it out. */
  constructor(internals: ProxyOptions = {}) {
    super({ ...internals, maxsize: 0 } as object);
  }
}
