/**
 * A Redis URL, parsed into what ioredis takes and a description safe to print (no user, no password).
 *
 * Accepted: `redis://[user[:password]@]host[:port][/db]`, `rediss://…` (TLS), and `unix:///path/to/redis.sock[?db=N]`.
 * User and password are percent-decoded, as in a browser's URL.
 *
 * @module
 */
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { BackendConfigError } from './errors.js';

/** Where a server is and how to reach it. */
export interface ServerAddress {
  /** `redis://host:6379/0`, `rediss://…`, `unix:///path?db=0`: no credentials, for messages and handles. */
  readonly description: string;
  readonly host?: string;
  readonly port?: number;
  readonly path?: string;
  readonly db: number;
  readonly username?: string;
  readonly password?: string;
  readonly tls: boolean;
}

/**
 * Parses `url`. The message of a bad URL never repeats the URL (it may hold a password).
 *
 * @throws {BackendConfigError} `ERR_BACKEND_CONFIG` for a URL it cannot use.
 */
export function parseServerUrl(url: string): ServerAddress {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new BackendConfigError('connect(): the backend URL is not a URL (expected redis://host:port, rediss://host:port or unix:///path).', { cause });
  }
  const credentials = {
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
  };
  if (parsed.protocol === 'unix:') {
    const db = dbNumber(parsed.searchParams.get('db') ?? '0');
    if (!parsed.pathname) throw new BackendConfigError('connect(): a unix:// URL needs the socket path, as in unix:///run/redis.sock.');
    return { description: `unix://${parsed.pathname}?db=${db}`, path: parsed.pathname, db, tls: false, ...credentials };
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new BackendConfigError(`connect(): the backend URL's scheme must be redis:, rediss: or unix:, not ${parsed.protocol}`);
  }
  const tls = parsed.protocol === 'rediss:';
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1';
  const port = parsed.port ? Number(parsed.port) : 6379;
  const db = dbNumber(parsed.pathname.replace(/^\//, '') || '0');
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return { description: `${parsed.protocol}//${shownHost}:${port}/${db}`, host, port, db, tls, ...credentials };
}

function dbNumber(text: string): number {
  const db = Number(text);
  if (!Number.isInteger(db) || db < 0) throw new BackendConfigError(`connect(): the database number must be a whole number ≥ 0, got '${text}'.`);
  return db;
}

/** The ioredis connection options of an address (TLS options are used only for rediss:). */
export function connectionOptions(address: ServerAddress, tls: ConnectionOptions | undefined): Record<string, unknown> {
  return {
    ...(address.path ? { path: address.path } : { host: address.host, port: address.port }),
    db: address.db,
    ...(address.username ? { username: address.username } : {}),
    ...(address.password ? { password: address.password } : {}),
    // SNI names a host, never an address (RFC 6066): an IP is checked against the certificate's IP SANs without it.
    ...(address.tls ? { tls: { ...(tls ?? {}), ...(tls?.servername || !address.host || isIP(address.host) ? {} : { servername: address.host }) } } : {}),
  };
}
