/**
 * How the owner of a Lock, RLock, Semaphore or BoundedSemaphore serves other
 * processes: one handler per operation of LOCK_OPS (ops.ts). The holder is the
 * caller's connection.
 *
 * @module
 */
import { serveOps } from '@multiproc/wire';
import { LOCK_OPS, type LeaseRequest, type LockCalls } from '../ops.js';
import type { PermitsState } from './permits-state.js';

/** See the module comment. */
export const LOCK_SERVICE = serveOps<LockCalls, PermitsState>('Lock', LOCK_OPS, {
  acquire: (state, [blocking, lease], context) => state.acquire(context.peer, blocking !== false, context, lease as LeaseRequest | undefined),
  release: (state, _args, context) => state.release(context.peer),
  return: (state, [leaseId, held], context) => state.returnLease(context.peer, leaseId, held === true),
  locked: (state) => state.locked,
  value: (state) => state.value,
  waiters: (state) => state.waiters,
});
