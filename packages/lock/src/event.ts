/**
 * `Event`: Python's `multiprocessing.Event`, a flag processes wait for.
 *
 * @module
 */
import { PROXY, SharedObject, TimeoutError, type BlockingOptions, type ProxyOptions } from '@multiproc/wire';
import { EventState } from './event-state.js';

/**
 * A flag shared by processes: `set()` wakes every process waiting in `wait()`.
 *
 * @example
 * ```ts
 * const ready = new Event();
 * // in a child: await ready.wait();
 * await ready.set();
 * ```
 */
export class Event extends SharedObject<EventState> {
  /**
   * Creates one, cleared, owned by this process. Pass it to children as a `Process`
   * argument; they get a live proxy. It lives as long as this process.
   *
   * @param options - internal: how a received handle is rebuilt; leave it out.
   */
  constructor(options: ProxyOptions = {}) {
    super(options[PROXY], () => new EventState());
  }

  /** Sets the flag and wakes every waiter. */
  set(): Promise<void> {
    return this._run('Event.set()', 'set', [], undefined, (state) => state.set());
  }

  /** Clears the flag. */
  clear(): Promise<void> {
    return this._run('Event.clear()', 'clear', [], undefined, (state) => state.clear());
  }

  /** True while the flag is set (a snapshot). */
  isSet(): Promise<boolean> {
    return this._run('Event.isSet()', 'isSet', [], undefined, (state) => state.isSet);
  }

  /**
   * Waits until the flag is set.
   *
   * @returns true when it is set; false if `timeout` ran out first (as Python).
   * @throws {AbortError} `ERR_ABORTED` when `signal` aborts.
   */
  async wait(options?: BlockingOptions): Promise<boolean> {
    try {
      return await this._run('Event.wait()', 'wait', [], options, (state, signal) => state.wait(signal));
    } catch (error) {
      if (error instanceof TimeoutError) return false;
      throw error;
    }
  }
}
