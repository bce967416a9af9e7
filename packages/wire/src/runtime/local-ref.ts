/**
 * The process-local backend's reference and capabilities, shared by the owner
 * and proxy backends of every primitive (an object lives in the process that
 * created it; others reach it through the runtime).
 *
 * @module
 */
import type { BackendCapabilities, ObjectRef } from '../backend.js';
import type { Handle } from './owned.js';
import { runtime } from './runtime.js';

/** The process-local backend's kind, in its references. */
export const LOCAL_KIND = 'local';

/** What the owner and its proxies can do. */
export const LOCAL_CAPABILITIES: BackendCapabilities = Object.freeze({ crossProcess: true, detectsDeath: true, creatorCallbacks: true });

/** A reference of the process-local backend: the owner and the object's id there. */
export interface LocalRef extends ObjectRef {
  readonly backend: typeof LOCAL_KIND;
  readonly handle: Handle;
}

/** The reference to owned object `id` (the owner starts listening, if it did not yet). */
export function localRef(id: number): LocalRef {
  return { backend: LOCAL_KIND, handle: runtime().handle(id) };
}

/** True for a reference of the process-local backend. */
export function isLocalRef(ref: ObjectRef): ref is LocalRef {
  return ref.backend === LOCAL_KIND && typeof (ref as LocalRef).handle === 'object';
}

/**
 * The owner and id of a process-local backend's object (what the runtime addresses): for tests and tools that speak
 * to an owner directly (a hostile peer, the fuzzer).
 *
 * @throws {TypeError} for a reference of another backend.
 */
export function handleOf(ref: ObjectRef): Handle {
  if (!isLocalRef(ref)) throw new TypeError(`an object of the '${ref.backend}' backend has no process-local handle.`);
  return ref.handle;
}
