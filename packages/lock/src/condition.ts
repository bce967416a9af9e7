/**
 * `Condition`: Python's `multiprocessing.Condition`, shared by processes. A
 * facade over its backend (condition-backend.ts), bound to its lock's.
 *
 * @module
 */
import { AbortError, checkBlockingOptions, handleOf, InvalidArgumentError, WAITERS, type BlockingOptions, type Handle } from '@multiproc/wire';
import type { AcquireOptions } from './acquirable.js';
import type { ConditionBackend } from './condition-backend.js';
import { conditionBackendFor, type LockInternals } from './create-backend.js';
import { Lock } from './lock.js';
import { RLock } from './rlock.js';

/** Options of a {@link Condition}. */
export interface ConditionOptions extends LockInternals {
  /** The lock it uses; must be created by this process. @default a new RLock */
  lock?: Lock | RLock;
}

/**
 * Processes wait on it until another notifies them, each holding its lock around the check.
 *
 * @example
 * ```ts
 * const cond = new Condition();
 * // consumer: await cond.acquire(); await cond.waitFor(async () => (await items.qsize()) > 0); await cond.release();
 * // producer: await cond.acquire(); await items.put(x); await cond.notify(); await cond.release();
 * ```
 */
export class Condition {
  /** The lock that guards the condition. */
  readonly lock: Lock | RLock;
  /** @internal */
  readonly _backend: ConditionBackend;

  /**
   * @throws {InvalidArgumentError} `ERR_INVALID_ARGUMENT` when `lock` is not a Lock or RLock created by this process.
   */
  constructor(options: ConditionOptions = {}) {
    // Its default lock lives where it does (the backend given, else the default backend), named after it, so that
    // every process that opens the Condition by name shares one lock.
    const lock =
      options.lock ?? new RLock({ ...(options.backend ? { backend: options.backend } : {}), ...(options.name ? { name: `${options.name}.lock` } : {}) });
    if (!(lock instanceof Lock || lock instanceof RLock)) {
      throw new InvalidArgumentError('new Condition(): lock must be a Lock or RLock.');
    }
    this.lock = lock;
    this._backend = conditionBackendFor(lock._backend, options, this);
  }

  /** @internal The owner and id of this object when it is the process-local backend's (tests and tools that speak to an owner directly). */
  get handle(): Handle {
    return handleOf(this._backend.ref());
  }

  /** Acquires the condition's lock. */
  acquire(options?: AcquireOptions): Promise<boolean> {
    return this.lock.acquire(options);
  }

  /** Releases the condition's lock. */
  release(): Promise<void> {
    return this.lock.release();
  }

  /**
   * Releases the lock, waits until notified, and takes the lock back before returning (also on timeout).
   *
   * @returns true if notified, false if `timeout` ran out.
   * @throws {LockNotHeldError} `ERR_LOCK_NOT_HELD` when this process does not hold the lock.
   * @throws {AbortError} `ERR_ABORTED` when `signal` aborts (the lock is held again when it is thrown).
   * @throws {InvalidArgumentError} `ERR_INVALID_ARGUMENT` for bad options (Python's `wait(0.1)`: write `wait({ timeout: 100 })`).
   */
  async wait(options?: BlockingOptions): Promise<boolean> {
    checkBlockingOptions('Condition.wait()', options, 'wait({ timeout: 100 })');
    const notified = await this._backend.wait({ call: 'Condition.wait()', timeout: options?.timeout, signal: options?.signal });
    if (!notified && options?.signal?.aborted) throw new AbortError('Condition.wait()', options.signal.reason);
    return notified;
  }

  /**
   * Waits until `predicate()` is true, re-checking after each notify; the lock must be held.
   *
   * @returns the last value of the predicate (false-ish if `timeout` ran out first).
   */
  async waitFor<R>(predicate: () => R | Promise<R>, options: BlockingOptions = {}): Promise<R> {
    checkBlockingOptions('Condition.waitFor()', options, 'waitFor(predicate, { timeout: 100 })');
    const end = options.timeout === undefined ? Infinity : performance.now() + options.timeout;
    let result = await predicate();
    while (!result) {
      const remaining = end - performance.now();
      if (remaining <= 0) break;
      await this.wait({ signal: options.signal, timeout: remaining === Infinity ? undefined : remaining });
      result = await predicate();
    }
    return result;
  }

  /**
   * Wakes up to `n` waiting processes; the lock must be held.
   *
   * @throws {LockNotHeldError} `ERR_LOCK_NOT_HELD`.
   */
  notify(n = 1): Promise<void> {
    return this._backend.notify(n);
  }

  /** Wakes every waiting process; the lock must be held. */
  notifyAll(): Promise<void> {
    return this.notify(Infinity);
  }

  /** @internal How many `wait()`s wait to be notified now (for tests). */
  [WAITERS](): Promise<number> {
    return this._backend.waiters();
  }
}
