/**
 * The one place where a pool's engine is chosen: the `backend` given; else, for a named pool, the default backend
 * (`setDefaultBackend`, `MULTIPROC_BACKEND`) if it makes pools, so that agents can join the pool by its name; else
 * worker processes on this machine (local/process-engine.ts). An unnamed pool always runs here.
 *
 * @module
 */
import { defaultBackend } from '@multiproc/wire';
import type { PoolEngine, PoolEngineProvider, PoolEngineSetup } from './engine.js';
import { ProcessEngine } from './local/process-engine.js';

/** See the module comment. */
export function createEngine(backend: PoolEngineProvider | undefined, setup: PoolEngineSetup): PoolEngine {
  if (backend) return backend.createPoolEngine(setup);
  const fallback = setup.name === undefined ? undefined : (defaultBackend() as Partial<PoolEngineProvider> | undefined);
  return typeof fallback?.createPoolEngine === 'function' ? fallback.createPoolEngine(setup) : new ProcessEngine(setup);
}
