/**
 * Opening a backend's session: the options checked (synchronously), then the connections, the server check, the
 * backend id, the wake-up channel and the liveness heartbeat.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { InvalidArgumentError } from '@multiproc/wire';
import type { ConnectOptions } from './connect.js';
import { BackendConfigError, BackendUnavailableError } from './errors.js';
import { backendIdKey, clientKeys } from './keys.js';
import { Liveness } from './liveness.js';
import { defineScripts } from './scripts.js';
import { sealKey } from './seal.js';
import { checkServer, parseInfo } from './server-check.js';
import { connectionOptions, parseServerUrl } from './server-address.js';
import { Session, newClientName } from './session.js';
import { ValueCodec } from './value-codec.js';
import { Wakeups } from './wakeups.js';

const NAMESPACE = /^[A-Za-z0-9_.-]{1,64}$/;

/** Options checked, ready to connect with. */
export interface CheckedOptions {
  address: ReturnType<typeof parseServerUrl>;
  namespace: string;
  livenessTtlMs: number;
  codec: ValueCodec;
  connection: Record<string, unknown>;
  connectTimeoutMs: number;
}

/**
 * Checks `url` and `options` (synchronously: a bad one throws at once, before anything connects).
 *
 * @throws {BackendConfigError} `ERR_BACKEND_CONFIG`: a bad URL, namespace or payload key.
 * @throws {InvalidArgumentError} `ERR_INVALID_ARGUMENT`: a bad livenessTtlMs.
 */
export function checkOptions(url: string, options: ConnectOptions): CheckedOptions {
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
  return { address, namespace, livenessTtlMs, codec, connection: connectionOptions(address, options.tls), connectTimeoutMs: options.connectTimeoutMs ?? 10_000 };
}

/** Opens the session of checked options: the connections, the server check, the liveness heartbeat. */
export async function openSession(checked: CheckedOptions): Promise<Session> {
  const { address, namespace, livenessTtlMs, codec, connection } = checked;
  const client = newClientName();
  const base = {
    ...connection,
    lazyConnect: true,
    connectTimeout: checked.connectTimeoutMs,
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
  // The first connection error is kept: a refused AUTH surfaces as 'Connection is closed' from connect() otherwise.
  let refused: Error | undefined;
  commands.on('error', (error: Error) => (refused ??= error));
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
    return new Session({ id, namespace, client, server: address.description, livenessTtlMs, commands, subscriber, wakeups, liveness, codec });
  } catch (error) {
    // A TLS alert can still arrive on a socket being closed: nothing is listening by then, so it must not be thrown.
    for (const client of [commands, subscriber]) (client as unknown as { stream?: { on(e: 'error', f: () => void): void } }).stream?.on('error', () => undefined);
    commands.disconnect();
    subscriber.disconnect();
    if (error instanceof BackendConfigError) throw error;
    // The server answered, and refused the user, the password or a command the backend needs: retrying will not help.
    const why = refused && refused !== error ? `${(error as Error).message} (${refused.message})` : (error as Error).message;
    if (/WRONGPASS|NOAUTH|NOPERM|invalid username-password/i.test(why)) {
      throw new BackendConfigError(
        `connect(): the Redis server ${address.description} refused the credentials or a command the backend needs (${why}). ` +
          'Check the user and password (never shown here) and its ACL: see @multiproc/redis README, "Security".',
        { cause: error },
      );
    }
    throw new BackendUnavailableError(
      `connect(): cannot use the Redis server ${address.description}: ${why}. ` +
        'Check that it runs, that this machine can reach it, and the user and password (never shown here).',
      { cause: error },
    );
  }
}
