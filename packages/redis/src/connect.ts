/**
 * `connect(url, options)`: a backend on a Redis (≥ 6.2) or Valkey (≥ 7.2) server.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import type { ConnectionOptions } from 'node:tls';
import { Redis } from 'ioredis';
import { InvalidArgumentError } from '@multiproc/wire';
import { RedisBackend, newClientName } from './backend.js';
import { BackendConfigError, BackendUnavailableError } from './errors.js';
import { backendIdKey, clientKeys } from './keys.js';
import { Liveness } from './liveness.js';
import { defineScripts } from './scripts.js';
import { sealKey } from './seal.js';
import { checkServer, parseInfo } from './server-check.js';
import { connectionOptions, parseServerUrl } from './server-address.js';
import { ValueCodec } from './value-codec.js';
import { Wakeups } from './wakeups.js';

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
}

const NAMESPACE = /^[A-Za-z0-9_.-]{1,64}$/;

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
  const address = parseServerUrl(url);
  const namespace = options.namespace ?? 'default';
  if (!NAMESPACE.test(namespace)) {
    throw new BackendConfigError(`connect(): namespace must be 1-64 letters, digits, '_', '.' or '-', got '${namespace}'.`);
  }
  const livenessTtlMs = options.livenessTtlMs ?? 10_000;
  if (!Number.isInteger(livenessTtlMs) || livenessTtlMs < 100) {
    throw new InvalidArgumentError(`connect(): livenessTtlMs must be a whole number of ms ≥ 100, got ${String(livenessTtlMs)}.`);
  }
  const codec = new ValueCodec(options.payloadKey === undefined ? undefined : sealKey(options.payloadKey));
  const connection = connectionOptions(address, options.tls);
  const client = newClientName();
  const base = {
    ...connection,
    lazyConnect: true,
    connectTimeout: options.connectTimeoutMs ?? 10_000,
    // A call fails at once while the server is away (ERR_BACKEND_UNAVAILABLE) instead of waiting in a queue, and a
    // script in flight when the connection broke is never sent again (it may have run: a resend could run it twice).
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    retryStrategy: (times: number) => Math.min(times * 50, 1000),
  };
  const commands = new Redis({ ...base, connectionName: `multiproc:${client}` });
  const subscriber = new Redis({ ...base, connectionName: `multiproc-sub:${client}` });
  // Errors reach the calls (as ERR_BACKEND_UNAVAILABLE); the clients' own 'error' events are only reconnect noise.
  commands.on('error', () => undefined);
  subscriber.on('error', () => undefined);
  try {
    await Promise.all([commands.connect(), subscriber.connect()]);
    const info = await commands.info('server').then(async (server) => server + (await commands.info('memory')));
    checkServer(parseInfo(info), address.description);
    defineScripts(commands);
    const idKey = backendIdKey(namespace);
    await commands.set(idKey, randomBytes(8).toString('hex'), 'NX');
    const id = (await commands.get(idKey))!;
    await commands.set(clientKeys.live(namespace, client), String(process.pid), 'PX', livenessTtlMs);
    const wakeups = new Wakeups(subscriber, clientKeys.channel(namespace, client));
    await wakeups.start();
    const liveness = new Liveness(connection, clientKeys.live(namespace, client), livenessTtlMs);
    return new RedisBackend({ id, namespace, client, server: address.description, livenessTtlMs, commands, subscriber, wakeups, liveness, codec });
  } catch (error) {
    commands.disconnect();
    subscriber.disconnect();
    if (error instanceof BackendConfigError) throw error;
    throw new BackendUnavailableError(
      `connect(): cannot use the Redis server ${address.description}: ${(error as Error).message}. ` +
        'Check that it runs, that this machine can reach it, and the user and password (never shown here).',
      { cause: error },
    );
  }
}
