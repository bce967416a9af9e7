/**
 * The one place where a queue's backend is chosen.
 *
 * - A queue received from another process wraps the backend its reference
 *   opened (`OPENED`, see passable.ts).
 * - A queue created with a backend provider (`BACKEND`) is made by it.
 * - Otherwise this process owns it (local/local-queue.ts).
 *
 * Hook for other backends (#17): the public `{ name, backend }` option and a
 * default backend (`setDefaultBackend`, `MULTIPROC_BACKEND`) map onto the
 * provider chosen here.
 *
 * @module
 */
import { BACKEND, backendFor, defaultBackend, fromHandle, isLocalRef, OPENED, type BackendOptions, type ObjectRef } from '@multiproc/wire';
import { LocalQueue } from './local/local-queue.js';
import type { QueueBackend, QueueBackendProvider, QueueSpec } from './queue-backend.js';
import { RemoteQueue } from './remote/remote-queue.js';

/** @internal Options the queue classes take besides their public ones. */
export interface QueueInternals<T> extends BackendOptions<QueueBackendProvider> {
  /** Create the queue with this backend provider. */
  [BACKEND]?: QueueBackendProvider | undefined;
  /** Wrap this opened backend (a queue received from another process). */
  [OPENED]?: QueueBackend<T> | undefined;
}

/** The process-local provider: queues this process owns, and proxies of queues other processes own. */
export const LOCAL_QUEUES: QueueBackendProvider = {
  kind: 'local',
  createQueue: <T>(spec: QueueSpec<T>) => new LocalQueue<T>(spec),
  openQueue: <T>(ref: ObjectRef, spec: QueueSpec<T>) => {
    if (!isLocalRef(ref)) throw new TypeError(`LOCAL_QUEUES.openQueue(): not a local reference (${ref.backend}).`);
    return new RemoteQueue<T>(ref, spec);
  },
};

/** See the module comment. `facade` is the public object, given back when this queue's own handle arrives here. */
export function queueBackendFor<T>(spec: QueueSpec<T>, internals: QueueInternals<T>, facade: object): QueueBackend<T> {
  const opened = internals[OPENED];
  if (opened) return opened;
  // The public { name, backend } option, else the default backend (setDefaultBackend, MULTIPROC_BACKEND), else local.
  const provider = internals[BACKEND] ?? internals.backend ?? (defaultBackend() as QueueBackendProvider | undefined);
  if (provider) return provider.createQueue({ ...spec, name: internals.name });
  return new LocalQueue<T>(spec, facade);
}

/**
 * The public object for a queue reference received from another process: in the owner its own object, elsewhere a
 * new facade (made by `wrap`) over the backend that resolves the reference.
 */
export function openQueue<T, Q>(ref: ObjectRef, spec: QueueSpec<T>, wrap: (backend: QueueBackend<T>) => Q): Q {
  if (isLocalRef(ref)) return fromHandle(ref.handle, () => wrap(new RemoteQueue<T>(ref, spec)));
  return wrap(backendFor<QueueBackendProvider>(ref, 'Queue').openQueue<T>(ref, spec));
}
