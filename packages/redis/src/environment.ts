/**
 * `MULTIPROC_BACKEND=redis://…` (or `rediss://`, `unix://`) with `MULTIPROC_NAMESPACE`: wire's default backend opens
 * a `RedisBackend` for it with this opener (registered when this package loads; wire loads it for that variable).
 * The backend connects at its first use, so constructors stay synchronous; objects received from other processes
 * of its namespace resolve to it too. Loading this file also registers the resolver of Redis references.
 *
 * @module
 */
import { registerBackendOpener } from '@multiproc/wire';
import { RedisBackend } from './backend.js';
import { registerResolver, setFallbackBackend } from './resolver.js';

// Objects of a Redis backend that reach this process before any backend connected resolve from now on.
registerResolver();

registerBackendOpener(['redis:', 'rediss:', 'unix:'], (url, namespace) => {
  const backend = new RedisBackend(url, namespace === undefined ? {} : { namespace });
  setFallbackBackend(backend);
  return backend;
});
