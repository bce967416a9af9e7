/**
 * `connect(url, options)`: a backend on a Redis (≥ 6.2) or Valkey (≥ 7.2) server.
 *
 * @module
 */
import type { ConnectionOptions } from 'node:tls';
import { RedisBackend } from './backend.js';

/** Options of {@link connect}. */
export interface ConnectOptions {
  /** Every key of this backend is under `mp:<namespace>`; objects of one name in two namespaces are two objects. @default 'default' */
  namespace?: string;
  /** TLS options for a `rediss://` URL (a CA for a self-signed server certificate, a client certificate, …). */
  tls?: ConnectionOptions;
  /**
   * How long this process's liveness key lives without a heartbeat, ms. A process that vanishes without a multiproc
   * parent to report it (a lost machine, a SIGKILLed lone process) is found dead within this plus about a second.
   * @default 10000
   */
  livenessTtlMs?: number;
  /** Seals every value with AES-256-GCM (32 bytes, or 64 hex digits, or base64): every process of the namespace needs the same key. */
  payloadKey?: string | Uint8Array;
  /** Gives up connecting after this long, ms. @default 10000 */
  connectTimeoutMs?: number;
  /**
   * A Pool's task whose agents died holding it this many times fails with `WorkerCrashedError` instead of running
   * again (execution is at-least-once across lost machines). @default 3
   */
  maxDeliveries?: number;
}

/**
 * Connects to the server at `url` (`redis://[user:password@]host:port[/db]`, `rediss://…`, `unix:///path`) and
 * returns the backend objects take as `{ name, backend }`. Checks that the server is recent enough and runs with
 * `maxmemory-policy noeviction`. Close it with `close()` (or `await using`): that releases what this process holds.
 *
 * @throws {BackendConfigError} `ERR_BACKEND_CONFIG`: a bad URL, namespace or key, an old server, eviction allowed.
 * @throws {BackendUnavailableError} `ERR_BACKEND_UNAVAILABLE`: the server cannot be reached.
 * @example
 * ```ts
 * const backend = await connect('redis://127.0.0.1:6379', { namespace: 'etl' });
 * const jobs = new JoinableQueue<Job>({ name: 'jobs', backend });
 * ```
 */
export async function connect(url: string, options: ConnectOptions = {}): Promise<RedisBackend> {
  const backend = new RedisBackend(url, options);
  await backend.session();
  return backend;
}

