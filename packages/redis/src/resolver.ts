/**
 * How a process finds the backend of an object on Redis that another process passed to it: the references carry
 * the backend's id and namespace (never a URL or credentials), and this process's connected backends are looked up
 * by them. It registers itself with wire's backend registry for the 'redis' kind.
 *
 * @module
 */
import { defaultBackend, registerBackendKind, type ObjectRef } from '@multiproc/wire';
import type { BarrierSpec, LockSpec } from '@multiproc/lock';
import type { QueueSpec } from '@multiproc/queue';
import { RedisBackend } from './backend.js';
import { NoBackendError } from './errors.js';
import { REDIS_KIND, type RedisRef } from './named-object.js';
import { hasParentLink, type ParentSide } from './parent-link.js';

const backends = new Set<RedisBackend>();
/** Backends inherited from the parent, not connected yet. */
const pending = new Set<RedisBackend>();
let fallback: RedisBackend | undefined;

/** A backend connected: references of its id and namespace resolve to it. */
export function addBackend(backend: RedisBackend): void {
  pending.delete(backend);
  backends.add(backend);
  registerBackendKind(REDIS_KIND, resolver);
}

/** A backend closed. */
export function removeBackend(backend: RedisBackend): void {
  backends.delete(backend);
  pending.delete(backend);
  if (fallback === backend) fallback = undefined;
}

/** The backend to use for references no connected backend matches by id (the default backend, not yet connected). */
export function setFallbackBackend(backend: RedisBackend | undefined): void {
  fallback = backend;
  registerBackendKind(REDIS_KIND, resolver);
}

/**
 * The backend of `ref`: a connected one with its id and namespace; else one of its namespace whose id is not known
 * yet (connecting); else the default backend of that namespace; else one inherited from the multiproc parent.
 *
 * @throws {NoBackendError} `ERR_NO_BACKEND`, saying how to configure one.
 */
export function backendOf(ref: RedisRef, call: string): RedisBackend {
  for (const backend of backends) if (backend.id === ref.id && backend.namespace === ref.namespace) return backend;
  for (const backend of backends) if (backend.id === undefined && backend.namespace === ref.namespace) return backend;
  for (const backend of pending) if (backend.namespace === ref.namespace) return backend;
  if (fallback?.namespace === ref.namespace) return fallback;
  // The default backend (setDefaultBackend, MULTIPROC_BACKEND), connected or not yet.
  const preferred = defaultBackend();
  if (preferred instanceof RedisBackend && preferred.namespace === ref.namespace) return preferred;
  if (hasParentLink()) {
    // Connected on first use, with what the parent tells; found by later references as any connected backend is.
    const inherited = RedisBackend.inherited(ref.id, ref.namespace);
    pending.add(inherited);
    return inherited;
  }
  throw new NoBackendError(
    `${call}: received the ${ref.family} '${ref.name}' of a Redis backend (namespace '${ref.namespace}', id ${ref.id}) that process ${process.pid} ` +
      `is not connected to. Connect it here first (connect(url, { namespace: '${ref.namespace}' })), or set MULTIPROC_BACKEND=redis://… ` +
      `and MULTIPROC_NAMESPACE=${ref.namespace} in this process's environment.`,
  );
}

/** What this process's backends do for its children (see parent-link.ts). */
export const parentSide: ParentSide = {
  reap(id, namespace, client) {
    for (const backend of backends) if (backend.id === id && backend.namespace === namespace) return backend.reapClient(client);
    return undefined;
  },
  config(id, namespace) {
    for (const backend of backends) if (backend.id === id && backend.namespace === namespace) return backend.configForChildren();
    return undefined;
  },
};

const resolver = {
  kind: REDIS_KIND,
  openQueue: <T>(ref: ObjectRef, spec: QueueSpec<T>) => backendOf(ref as RedisRef, 'a Queue received').openQueue(ref, spec),
  openLock: (ref: ObjectRef, spec: LockSpec) => backendOf(ref as RedisRef, 'a lock received').openLock(ref, spec),
  openEvent: (ref: ObjectRef) => backendOf(ref as RedisRef, 'an Event received').openEvent(ref),
  openCondition: (ref: ObjectRef, lock: unknown) => backendOf(ref as RedisRef, 'a Condition received').openCondition(ref, lock),
  openBarrier: (ref: ObjectRef, spec: BarrierSpec) => backendOf(ref as RedisRef, 'a Barrier received').openBarrier(ref, spec),
};

/** Makes this package resolve references of the 'redis' kind in this process (at load, and again as backends connect). */
export function registerResolver(): void {
  registerBackendKind(REDIS_KIND, resolver);
}
