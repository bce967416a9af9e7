/**
 * `Event`: Python's `multiprocessing.Event`, a flag processes wait for. A
 * facade over its backend (event-backend.ts).
 *
 * @module
 */
import { checkBlockingOptions, handleOf, TimeoutError, WAITERS, type BlockingOptions, type Handle } from '@multiproc/wire';
import { eventBackendFor, type LockInternals } from './create-backend.js';
import type { EventBackend } from './event-backend.js';

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
export class Event {
  /** @internal */
  readonly _backend: EventBackend;

  /**
   * Creates one, cleared, owned by this process. Pass it to children as a `Process`
   * argument; they get a live proxy. It lives as long as this process.
   *
   * @param internals - internal: how a received event is rebuilt; leave it out.
   */
  constructor(internals: LockInternals = {}) {
    this._backend = eventBackendFor(internals, this);
  }

  /** @internal The owner and id of this object when it is the process-local backend's (tests and tools that speak to an owner directly). */
  get handle(): Handle {
    return handleOf(this._backend.ref());
  }

  /** True in the process that holds the flag. */
  get isOwner(): boolean {
    return this._backend.isOwner;
  }

  /** Sets the flag and wakes every waiter. */
  set(): Promise<void> {
    return this._backend.set();
  }

  /** Clears the flag. */
  clear(): Promise<void> {
    return this._backend.clear();
  }

  /** True while the flag is set (a snapshot). */
  isSet(): Promise<boolean> {
    return this._backend.isSet();
  }

  /**
   * Waits until the flag is set.
   *
   * @returns true when it is set; false if `timeout` ran out first (as Python).
   * @throws {AbortError} `ERR_ABORTED` when `signal` aborts.
   * @throws {InvalidArgumentError} `ERR_INVALID_ARGUMENT` for bad options (Python's `wait(0.1)`: write `wait({ timeout: 100 })`).
   */
  async wait(options?: BlockingOptions): Promise<boolean> {
    checkBlockingOptions('Event.wait()', options, 'wait({ timeout: 100 })');
    try {
      return await this._backend.wait({ call: 'Event.wait()', timeout: options?.timeout, signal: options?.signal });
    } catch (error) {
      if (error instanceof TimeoutError) return false;
      throw error;
    }
  }

  /** @internal How many `wait()`s wait now (for tests). */
  [WAITERS](): Promise<number> {
    return this._backend.waiters();
  }

  /** `<Event owner>` or `<Event proxy>`. */
  toString(): string {
    return `<Event ${this.isOwner ? 'owner' : 'proxy'}>`;
  }
}
