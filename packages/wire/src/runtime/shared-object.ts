/**
 * What the process-local backends of the shared objects (Queue, Lock, Event…)
 * need from the runtime besides calls: the owner's public object for each
 * state it owns, so that a handle decoded in its owner gives back that very
 * object (`queue === received` in the owner), and a proxy everywhere else.
 *
 * @module
 */
import type { Handle, Owned } from './owned.js';
import { runtime } from './runtime.js';

/** The owner's public object for each owned state. */
const publicObjects = new WeakMap<Owned, object>();

/** Records `facade` as the public object of `state`, which this process owns. */
export function registerPublicObject(state: Owned, facade: object): void {
  publicObjects.set(state, facade);
}

/**
 * Rebuilds a shared object from a handle: the owner's own object in the owner,
 * else a proxy made by `makeProxy`.
 */
export function fromHandle<T>(handle: Handle, makeProxy: () => T): T {
  if (handle.owner.pid === process.pid) {
    const state = runtime().get(handle.id);
    const own = state && publicObjects.get(state);
    if (own) return own as T;
  }
  return makeProxy();
}
