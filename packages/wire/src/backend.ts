/**
 * What every backend of the shared objects has in common: the capabilities it
 * declares, the reference its objects travel as, and how a receiving process
 * finds the backend that resolves a reference.
 *
 * A backend implements one interface per primitive family (`QueueBackend` in
 * @multiproc/queue; `LockBackend`, `EventBackend`, `ConditionBackend`,
 * `BarrierBackend` in @multiproc/lock). The public classes are facades over
 * them. Two backends ship: the owner's (the process that creates an object
 * holds its state, see each package's `local/`) and its proxy (every other
 * process calls the owner through the runtime, see `remote/`).
 *
 * @module
 */
import { loadBackendPackage } from './default-backend.js';
import { InvalidStateError } from './errors.js';

/** What a backend can do. Contract cases that need a capability run only against backends that have it. */
export interface BackendCapabilities {
  /** Its objects can be passed to another process (as a `Process` argument or inside a message) and used there. */
  readonly crossProcess: boolean;
  /**
   * A process that dies while it holds something is noticed: its locks are released with `ownerDied`, the items it
   * had not acknowledged go back to the head of their queue, the barriers it waited at break.
   */
  readonly detectsDeath: boolean;
  /** Callbacks given at creation (a Barrier's `action`, a JoinableQueue's `onLostItems`) run, in the creating process. */
  readonly creatorCallbacks: boolean;
}

/**
 * How an object travels between processes: which kind of backend resolves it, and what that backend needs to find
 * the object (never credentials). The process-local backend's reference is `{ backend: 'local', handle }`.
 */
export interface ObjectRef {
  /** The kind of backend that resolves it: `'local'`, `'redis'`, … */
  readonly backend: string;
}

/**
 * Options key (internal): a backend provider to create the object with, instead of this process owning it. The
 * public `{ backend }` option and a default backend are wired to this key in one place per package
 * (`create-backend.ts`).
 */
export const BACKEND: unique symbol = Symbol.for('multiproc.backend') as never;

/** Options key (internal): an opened backend for the facade to wrap (an object received from another process). */
export const OPENED: unique symbol = Symbol.for('multiproc.backend.opened') as never;

/**
 * Method key (internal) of every shared object's observation hook: how many calls wait on it now, as its backend
 * sees them. For tests that must know a call reached the backend before they act (never a sleep).
 */
export const WAITERS: unique symbol = Symbol.for('multiproc.backend.waiters') as never;

const KEY = Symbol.for('multiproc.wire.backend-kinds');

/** The providers that resolve references of each backend kind in this process (shared by copies of this package). */
function kinds(): Map<string, object> {
  const holder = globalThis as unknown as Record<symbol, Map<string, object> | undefined>;
  return (holder[KEY] ??= new Map());
}

/**
 * Makes `provider` the one that resolves references of backend `kind` received by this process (a backend
 * registers itself when it connects). A later registration of the same kind replaces it.
 */
export function registerBackendKind(kind: string, provider: object): void {
  kinds().set(kind, provider);
}

/**
 * The provider registered for `ref.backend`.
 *
 * @param call - the call that needs it, for the error message.
 * @throws {InvalidStateError} `ERR_INVALID_STATE` when no backend of that kind is registered in this process.
 */
export function backendFor<P extends object>(ref: ObjectRef, call: string): P {
  let provider = kinds().get(ref.backend);
  // A backend package registers itself as it loads: load it if nothing here imported it yet (see default-backend.ts).
  if (!provider && ref.backend !== 'local' && loadBackendPackage(ref.backend) === undefined) provider = kinds().get(ref.backend);
  if (!provider) {
    throw new InvalidStateError(
      `${call}: received an object of the '${ref.backend}' backend, but no such backend is connected in process ${process.pid}. ` +
        'Connect it in this process (or make it the default backend) before objects of it arrive.',
    );
  }
  return provider as P;
}
