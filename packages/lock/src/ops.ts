/**
 * The lock family's operations, named once: each owner-side state serves its
 * table (local/*-service.ts) and each proxy calls it (remote/), both from here.
 *
 * @module
 */
import type { OpTable } from '@multiproc/wire';

/** Where a lessee can be asked to give its lease back: its lease desk's object id, and the name it gave there. */
export interface LeaseRequest {
  desk: number;
  watch: number;
}

/** An acquire's reply on the wire: `Acquired + LEASE_UNIT * leaseId` (lease id 0: no lease). */
export const LEASE_UNIT = 4;

/** Lock, RLock, Semaphore, BoundedSemaphore. */
export type LockCalls = {
  /** Takes a permit (waiting unless `blocking` is false); with `lease`, a Lock's reply may carry a lease (see LEASE_UNIT). */
  acquire(blocking: boolean, lease?: LeaseRequest): number;
  release(): void;
  /** A lessee gives lease `leaseId` back; `held`: it still held the lock when asked to end the lease. */
  return(leaseId: number, held: boolean): void;
  locked(): boolean;
  value(): number;
  waiters(): number;
};

/** See {@link LockCalls}. */
export const LOCK_OPS = {
  acquire: {},
  release: {},
  return: {},
  locked: {},
  value: {},
  waiters: {},
} as const satisfies OpTable<LockCalls>;

/** What an owner asks of a lessee's lease desk. */
export type LeaseDeskCalls = {
  /** The owner wants lease `leaseId` back, at the next release. */
  revoke(watch: number, leaseId: number): void;
  /** The owner ends lease `leaseId` now: someone released the lock. */
  end(watch: number, leaseId: number): void;
};

/** See {@link LeaseDeskCalls}. */
export const LEASE_DESK_OPS = { revoke: {}, end: {} } as const satisfies OpTable<LeaseDeskCalls>;

/** Event. */
export type EventCalls = {
  set(): void;
  clear(): void;
  isSet(): boolean;
  wait(): true;
  waiters(): number;
};

/** See {@link EventCalls}. */
export const EVENT_OPS = { set: {}, clear: {}, isSet: {}, wait: {}, waiters: {} } as const satisfies OpTable<EventCalls>;

/** Condition. */
export type ConditionCalls = {
  /** True when notified, false on timeout (the caller's deadline cancels the wait, and the lock is taken back first). */
  wait(): boolean;
  notify(n: number): void;
  waiters(): number;
};

/** See {@link ConditionCalls}. */
export const CONDITION_OPS = { wait: {}, notify: {}, waiters: {} } as const satisfies OpTable<ConditionCalls>;

/** Barrier. */
export type BarrierCalls = {
  wait(): number;
  abort(): void;
  reset(): void;
  waiting(): number;
  broken(): boolean;
};

/** See {@link BarrierCalls}. */
export const BARRIER_OPS = { wait: {}, abort: {}, reset: {}, waiting: {}, broken: {} } as const satisfies OpTable<BarrierCalls>;
