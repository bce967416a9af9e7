/**
 * The seam between `Condition` and where its waiters live (see lock-backend.ts for the family's backends).
 *
 * @module
 */
import type { BackendCapabilities, BlockingOptions, ObjectRef } from '@multiproc/wire';

/**
 * A Condition's waiters, wherever they live. It is bound to a Lock or RLock backend of the same provider: `wait`
 * releases that lock (every level this process holds), waits for a notify, and takes it back (at the same depth)
 * before it settles, also on timeout or abort. A waiter whose process dies is dropped without taking the lock back.
 */
export interface ConditionBackend {
  readonly capabilities: BackendCapabilities;
  readonly isOwner: boolean;
  ref(): ObjectRef;
  /**
   * @returns true when notified, false when `timeout` ran out (the lock is held again either way).
   * @throws {LockNotHeldError} `ERR_LOCK_NOT_HELD` when this process does not hold the lock.
   * @throws `ERR_ABORTED` when `signal` aborts (the lock is held again when it rejects).
   */
  wait(options: BlockingOptions & { readonly call: string }): Promise<boolean>;
  /** Wakes up to `n` waiters (Infinity: all). @throws {LockNotHeldError} `ERR_LOCK_NOT_HELD`. */
  notify(n: number): Promise<void>;
  /** How many `wait()`s wait to be notified now (for tests). */
  waiters(): Promise<number>;
}

