/**
 * `Condition`: Python's `multiprocessing.Condition`, shared by processes.
 *
 * @module
 */
import { AbortError, InvalidArgumentError, PROXY, SharedObject, type BlockingOptions, type ProxyOptions } from '@multiproc/wire';
import { Acquirable, permitsOf, type AcquireOptions } from './acquirable.js';
import { ConditionState } from './condition-state.js';
import { SELF } from './holder.js';
import { Lock } from './lock.js';
import { RLock } from './rlock.js';

/** Options of a {@link Condition}. */
export interface ConditionOptions extends ProxyOptions {
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
export class Condition extends SharedObject<ConditionState> {
  /** The lock that guards the condition. */
  readonly lock: Lock | RLock;

  /**
   * @throws {InvalidArgumentError} `ERR_INVALID_ARGUMENT` when `lock` was not created by this process.
   */
  constructor(options: ConditionOptions = {}) {
    const lock = options.lock ?? new RLock();
    super(options[PROXY], () => {
      const permits = permitsOf.get(lock);
      if (!permits) {
        throw new InvalidArgumentError('new Condition(): its lock must be a Lock or RLock created by this same process.');
      }
      return new ConditionState(permits);
    });
    this.lock = lock;
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
   */
  async wait(options?: BlockingOptions): Promise<boolean> {
    Acquirable.returnIdleLease(this.lock);
    const notified = await this._run('Condition.wait()', 'wait', [], options, (state, signal) => state.wait(SELF, signal));
    if (!notified && options?.signal?.aborted) throw new AbortError('Condition.wait()', options.signal.reason);
    return notified;
  }

  /**
   * Waits until `predicate()` is true, re-checking after each notify; the lock must be held.
   *
   * @returns the last value of the predicate (false-ish if `timeout` ran out first).
   */
  async waitFor<R>(predicate: () => R | Promise<R>, options: BlockingOptions = {}): Promise<R> {
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
    Acquirable.returnIdleLease(this.lock);
    return this._run('Condition.notify()', 'notify', [n], undefined, (state) => state.notify(SELF, n));
  }

  /** Wakes every waiting process; the lock must be held. */
  notifyAll(): Promise<void> {
    return this.notify(Infinity);
  }
}
