/**
 * The one place where the lock family's backends are chosen.
 *
 * - An object received from another process wraps the backend its reference
 *   opened (`OPENED`, see passable.ts).
 * - An object created with a backend provider (`BACKEND`) is made by it.
 * - Otherwise this process owns it (local/).
 *
 * Hook for other backends (#17): the public `{ name, backend }` option and a
 * default backend (`setDefaultBackend`, `MULTIPROC_BACKEND`) map onto the
 * provider chosen here.
 *
 * @module
 */
import { BACKEND, backendFor, defaultBackend, fromHandle, InvalidArgumentError, isLocalRef, OPENED, type BackendOptions, type LocalRef, type ObjectRef } from '@multiproc/wire';
import type { BarrierBackend, BarrierSpec } from './barrier-backend.js';
import type { ConditionBackend } from './condition-backend.js';
import type { EventBackend } from './event-backend.js';
import type { LockBackend, LockBackendProvider, LockSpec } from './lock-backend.js';
import { LocalBarrier } from './local/local-barrier.js';
import { LocalCondition } from './local/local-condition.js';
import { LocalEvent } from './local/local-event.js';
import { LocalLock } from './local/local-lock.js';
import { RemoteBarrier } from './remote/remote-barrier.js';
import { RemoteCondition } from './remote/remote-condition.js';
import { RemoteEvent } from './remote/remote-event.js';
import { RemoteLock } from './remote/remote-lock.js';

/** @internal Options the lock family's classes take besides their public ones. */
export interface LockInternals<B = unknown> extends BackendOptions<LockBackendProvider> {
  /** Create it with this backend provider. */
  [BACKEND]?: LockBackendProvider | undefined;
  /** Wrap this opened backend (an object received from another process). */
  [OPENED]?: B | undefined;
}

function local(ref: ObjectRef, call: string): LocalRef {
  if (!isLocalRef(ref)) throw new TypeError(`${call}: not a local reference (${ref.backend}).`);
  return ref;
}

function localLockState(lock: LockBackend) {
  if (lock instanceof LocalLock) return lock.state;
  throw new InvalidArgumentError('new Condition(): its lock must be a Lock or RLock created by this same process.');
}

/** The process-local provider: objects this process owns, and proxies of objects other processes own. */
export const LOCAL_LOCKS: LockBackendProvider = {
  kind: 'local',
  createLock: (spec) => new LocalLock(spec),
  createEvent: () => new LocalEvent(),
  createCondition: ({ lock }) => new LocalCondition(localLockState(lock)),
  createBarrier: (spec) => new LocalBarrier(spec),
  openLock: (ref, spec) => new RemoteLock(local(ref, 'openLock'), spec),
  openEvent: (ref) => new RemoteEvent(local(ref, 'openEvent')),
  openCondition: (ref, lock) => new RemoteCondition(local(ref, 'openCondition'), lock),
  openBarrier: (ref, spec) => new RemoteBarrier(local(ref, 'openBarrier'), spec),
};

/** The provider to create with: the internal one, the public `{ backend }`, else the default backend (else undefined: local). */
function providerOf(internals: LockInternals): LockBackendProvider | undefined {
  return internals[BACKEND] ?? internals.backend ?? (defaultBackend() as LockBackendProvider | undefined);
}

/** A Lock, RLock, Semaphore or BoundedSemaphore's backend (see the module comment). */
export function lockBackendFor(spec: LockSpec, internals: LockInternals, facade: object): LockBackend {
  return (internals[OPENED] as LockBackend | undefined) ?? providerOf(internals)?.createLock({ ...spec, name: internals.name }) ?? new LocalLock(spec, facade);
}

/** An Event's backend. */
export function eventBackendFor(internals: LockInternals, facade: object): EventBackend {
  return (internals[OPENED] as EventBackend | undefined) ?? providerOf(internals)?.createEvent({ name: internals.name }) ?? new LocalEvent(facade);
}

/** A Condition's backend, on its lock's. */
export function conditionBackendFor(lock: LockBackend, internals: LockInternals, facade: object): ConditionBackend {
  const opened = internals[OPENED] as ConditionBackend | undefined;
  if (opened) return opened;
  const provider = providerOf(internals);
  if (provider) return provider.createCondition({ lock, name: internals.name });
  return new LocalCondition(localLockState(lock), facade);
}

/** A Barrier's backend. */
export function barrierBackendFor(spec: BarrierSpec, internals: LockInternals, facade: object): BarrierBackend {
  return (internals[OPENED] as BarrierBackend | undefined) ?? providerOf(internals)?.createBarrier({ ...spec, name: internals.name }) ?? new LocalBarrier(spec, facade);
}

/**
 * The public object for a reference received from another process: in the owner its own object, elsewhere a new
 * facade (made by `wrap`) over the backend `open` gets from the provider that resolves the reference.
 */
export function openReceived<B, F>(ref: ObjectRef, open: (provider: LockBackendProvider) => B, wrap: (backend: B) => F): F {
  if (isLocalRef(ref)) return fromHandle(ref.handle, () => wrap(open(LOCAL_LOCKS)));
  return wrap(open(backendFor<LockBackendProvider>(ref, 'the lock family')));
}
