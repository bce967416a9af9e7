/**
 * The seam between the lock classes (Lock, RLock, Semaphore, BoundedSemaphore)
 * and where their permits live.
 *
 * The public classes are facades: they check arguments and call a
 * {@link LockBackend}. Two backends ship: the owner's (`local/`: the process
 * that created the lock counts its permits) and its proxy (`remote/`: any other
 * process calls the owner through the runtime, with leases for a Lock used
 * again and again by one process). Another backend (Redis) implements the same
 * interface and passes the same contract suite (`test/contract/lock.contract.ts`).
 * Event, Condition and Barrier have theirs beside it (event-backend.ts,
 * condition-backend.ts, barrier-backend.ts); one provider makes them all.
 *
 * The promises every backend keeps:
 * - Holding is per process: the async tasks of one process share its hold (an RLock's depth, a Lock's ownership).
 * - Waiters are served first come, first served; a cancelled acquire (timeout, abort, its process's death) never
 *   leaves a permit taken.
 * - A process that dies holding permits gives them back at once (`BackendCapabilities.detectsDeath`); the next
 *   acquisition of each is told so ({@link ACQUIRED_OWNER_DIED}).
 * - Any process may release a Lock (as in Python); only its holder may release an RLock.
 *
 * @module
 */
import type { BackendCapabilities, BlockingOptions, ObjectRef } from '@multiproc/wire';
import type { BarrierBackend, BarrierSpec } from './barrier-backend.js';
import type { ConditionBackend } from './condition-backend.js';
import type { EventBackend } from './event-backend.js';

/** Which primitive a lock backend serves. */
export type PermitsKind = 'Lock' | 'RLock' | 'Semaphore' | 'BoundedSemaphore';

/** `acquire` did not take it (`blocking: false` and it is taken). */
export const NOT_ACQUIRED = 0;
/** `acquire` took it. */
export const ACQUIRED = 1;
/** `acquire` took it from a holder process that died holding it: what it guarded may be half-updated. */
export const ACQUIRED_OWNER_DIED = 2;

/** What an acquire gives: {@link NOT_ACQUIRED}, {@link ACQUIRED} or {@link ACQUIRED_OWNER_DIED}. */
export type Acquired = typeof NOT_ACQUIRED | typeof ACQUIRED | typeof ACQUIRED_OWNER_DIED;

/** What a lock is created with. The backend stores it. */
export interface LockSpec {
  /** A name other processes can open it by, for backends that have names. */
  readonly name?: string | undefined;
  readonly kind: PermitsKind;
  /** Initial permits (1 for Lock and RLock). */
  readonly value: number;
}

/** Options of {@link LockBackend.acquire}. */
export interface LockAcquireOptions extends BlockingOptions {
  /** false: take it only if it is free now. */
  readonly blocking: boolean;
  /** The public call, for error messages, e.g. `"Lock.acquire()"`. */
  readonly call: string;
}

/** Permits, wherever they live. See the module comment for the promises. */
export interface LockBackend {
  readonly capabilities: BackendCapabilities;
  readonly spec: LockSpec;
  /** True in the process that counts the permits (the local backend's owner). */
  readonly isOwner: boolean;
  /** How the lock travels to another process. */
  ref(): ObjectRef;
  /**
   * Takes a permit without waiting and without a promise, when this backend can tell at once (a free permit in the
   * owner, a Lock leased to this process); else returns {@link NOT_ACQUIRED} and the caller goes through `acquire`.
   * Optional: a backend without a fast path leaves it out.
   */
  tryAcquireNow?(): Acquired;
  /**
   * Takes a permit (or one more level of an RLock this process holds), waiting for one unless `blocking` is false.
   *
   * @returns {@link NOT_ACQUIRED} when `blocking` is false and none is free; else how it was acquired.
   * @throws `ERR_TIMEOUT` / `ERR_ABORTED`: nothing is left held. (The facades turn a timeout into `false`, as Python.)
   * @throws `ERR_OWNER_GONE` when the owner is gone.
   */
  acquire(options: LockAcquireOptions): Promise<Acquired>;
  /**
   * Gives one permit back (one level of an RLock).
   *
   * @throws {LockNotHeldError} `ERR_LOCK_NOT_HELD`: a Lock nobody holds; an RLock this process does not hold.
   * @throws {OverReleaseError} `ERR_SEMAPHORE_OVER_RELEASE`: a BoundedSemaphore back at its initial value.
   */
  release(call: string): Promise<void>;
  /** True while no permit is free (a snapshot). */
  locked(): Promise<boolean>;
  /** Permits free now (a snapshot). */
  value(): Promise<number>;
  /** How many acquires wait now (for tests that must know a call reached the backend). */
  waiters(): Promise<number>;
}

/** A backend's factory of the lock family. */
export interface LockBackendProvider {
  /** The kind of backend, as in its references (`ObjectRef.backend`). */
  readonly kind: string;
  createLock(spec: LockSpec): LockBackend;
  createEvent(spec: { readonly name?: string | undefined }): EventBackend;
  /** A Condition on `lock`, a Lock or RLock backend this provider made. */
  createCondition(spec: { readonly name?: string | undefined; readonly lock: LockBackend }): ConditionBackend;
  createBarrier(spec: BarrierSpec): BarrierBackend;
  /** Opens objects another process passed here. */
  openLock(ref: ObjectRef, spec: LockSpec): LockBackend;
  openEvent(ref: ObjectRef): EventBackend;
  openCondition(ref: ObjectRef, lock: LockBackend): ConditionBackend;
  openBarrier(ref: ObjectRef, spec: BarrierSpec): BarrierBackend;
}
