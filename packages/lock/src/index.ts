/**
 * @multiproc/lock — Python's `multiprocessing` synchronization primitives for
 * Node.js: Lock, RLock, Semaphore, BoundedSemaphore, Event, Condition, Barrier.
 * Shared by processes, passable as arguments, and released when a holder dies.
 *
 * @packageDocumentation
 */
import './passable.js';

export { Lock } from './lock.js';
export { RLock } from './rlock.js';
export { Semaphore, BoundedSemaphore } from './semaphore.js';
export { Event } from './event.js';
export { Condition, type ConditionOptions } from './condition.js';
export { Barrier, type BarrierOptions } from './barrier.js';
export { Acquirable, type AcquireOptions } from './acquirable.js';
export { LOCAL_LOCKS } from './create-backend.js';
export { LOCK_OPS, EVENT_OPS, CONDITION_OPS, BARRIER_OPS, LEASE_DESK_OPS, type LockCalls, type EventCalls, type ConditionCalls, type BarrierCalls, type LeaseDeskCalls } from './ops.js';
export { LockNotHeldError, OverReleaseError, BrokenBarrierError } from './errors.js';
export { NOT_ACQUIRED, ACQUIRED, ACQUIRED_OWNER_DIED, type Acquired, type PermitsKind, type LockSpec, type LockAcquireOptions, type LockBackend, type LockBackendProvider } from './lock-backend.js';
export type { EventBackend } from './event-backend.js';
export type { ConditionBackend } from './condition-backend.js';
export type { BarrierBackend, BarrierSpec } from './barrier-backend.js';
