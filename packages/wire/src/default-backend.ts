/**
 * The default backend: where every new shared object of this process lives when it is given none. Unset, objects
 * are owned by the process that creates them (the local backend). `setDefaultBackend(backend)` (a Redis backend from
 * `@multiproc/redis`, …), or `MULTIPROC_BACKEND=redis://…` with `MULTIPROC_NAMESPACE` in the environment, moves every
 * new Queue, Lock, Event, Condition, Barrier and Pool there: the one-line migration from one machine to many.
 *
 * A backend package registers an opener for its URL schemes (`registerBackendOpener`); for `MULTIPROC_BACKEND`, this
 * file loads `@multiproc/redis` from the program's directory when no opener is registered yet.
 *
 * @module
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { InvalidArgumentError, InvalidStateError } from './errors.js';

/** The public options of every shared object that may live on a backend. */
export interface BackendOptions<Provider extends object = object> {
  /** The name other processes (on any machine) open it by, on its backend. Without a name it is private to those it is passed to. */
  name?: string | undefined;
  /** The backend it lives on (a Redis backend from `@multiproc/redis`, …). @default the default backend, else this process */
  backend?: Provider | undefined;
}

/** Opens a backend for a URL from the environment (a backend package registers it). */
export type BackendOpener = (url: string, namespace: string | undefined) => object;

interface DefaultState {
  backend: object | undefined;
  fromEnvironment: boolean;
  openers: Map<string, BackendOpener>;
}

const KEY = Symbol.for('multiproc.wire.default-backend');

/** Shared by copies of this package in one process. */
function state(): DefaultState {
  const holder = globalThis as unknown as Record<symbol, DefaultState | undefined>;
  return (holder[KEY] ??= { backend: undefined, fromEnvironment: false, openers: new Map() });
}

/**
 * Makes `backend` the one every new shared object of this process uses when it is given none (`undefined`: back to
 * objects owned by the process that creates them). Objects made before keep theirs.
 *
 * @example
 * ```ts
 * import { connect } from '@multiproc/redis';
 * setDefaultBackend(await connect('redis://10.0.0.5:6379', { namespace: 'etl' }));
 * const jobs = new JoinableQueue({ name: 'jobs' });   // in Redis
 * ```
 */
export function setDefaultBackend(backend: object | undefined): void {
  const current = state();
  current.backend = backend;
  current.fromEnvironment = true;
}

/** Registers how URLs of `schemes` (e.g. `['redis:', 'rediss:']`) in `MULTIPROC_BACKEND` are opened. */
export function registerBackendOpener(schemes: readonly string[], open: BackendOpener): void {
  for (const scheme of schemes) state().openers.set(scheme, open);
}

/**
 * The default backend: the one set by `setDefaultBackend`, else the one `MULTIPROC_BACKEND` names (opened on the
 * first call), else undefined (objects are owned by the process that creates them).
 *
 * @throws {InvalidStateError} `ERR_INVALID_STATE` when `MULTIPROC_BACKEND` names a backend no package here can open.
 */
export function defaultBackend(): object | undefined {
  const current = state();
  if (current.backend || current.fromEnvironment) return current.backend;
  current.fromEnvironment = true;
  const url = process.env.MULTIPROC_BACKEND;
  if (!url) return undefined;
  const scheme = /^([a-z][a-z0-9+.-]*:)/i.exec(url)?.[1]?.toLowerCase();
  if (!scheme) throw new InvalidArgumentError('MULTIPROC_BACKEND is not a URL (expected redis://host:port, rediss://… or unix:///path).');
  if (!current.openers.has(scheme)) {
    const error = loadBackendPackage('redis');
    if (error) {
      throw new InvalidStateError(
        `MULTIPROC_BACKEND names a ${scheme}// backend, but @multiproc/redis could not be loaded from ${process.cwd()}: install it (npm install @multiproc/redis), ` +
          'or unset MULTIPROC_BACKEND.',
        { cause: error },
      );
    }
  }
  const open = current.openers.get(scheme);
  if (!open) throw new InvalidStateError(`MULTIPROC_BACKEND names a ${scheme}// backend, and no installed package opens those.`);
  current.backend = open(url, process.env.MULTIPROC_NAMESPACE);
  return current.backend;
}

/**
 * Loads the package of backend `kind` (`@multiproc/<kind>`), which registers itself (its opener, the resolver of its
 * references) as it loads: for a process that receives an object of a backend before any of its code imported that
 * backend (a child decoding its arguments). It is the program's dependency, not wire's: it is looked up from the
 * working directory, then from the main module. Returns the error if it could not be loaded.
 */
export function loadBackendPackage(kind: string): unknown {
  if (!/^[a-z][a-z0-9-]*$/.test(kind)) return new InvalidArgumentError(`not a backend kind: ${kind}`);
  let failure: unknown;
  for (const from of [join(process.cwd(), 'package.json'), process.argv[1]]) {
    if (!from) continue;
    try {
      createRequire(from)(`@multiproc/${kind}`);
      return undefined;
    } catch (error) {
      failure ??= error;
    }
  }
  return failure;
}
