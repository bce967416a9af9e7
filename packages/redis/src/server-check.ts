/**
 * What a server must be for this backend, checked at connect: Redis ≥ 6.2 or Valkey ≥ 7.2 (LPOP with a count, LMOVE,
 * effects replication of scripts that read TIME), and `maxmemory-policy noeviction` (an evicted key would lose items
 * and locks silently).
 *
 * @module
 */
import { BackendConfigError } from './errors.js';

/** What INFO tells about the server. */
export interface ServerFacts {
  product: 'redis' | 'valkey';
  version: string;
  evictionPolicy: string;
}

/** Reads the facts from the text of `INFO server` and `INFO memory` together. */
export function parseInfo(info: string): ServerFacts {
  const field = (name: string) => new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim();
  const valkey = field('valkey_version');
  return {
    product: valkey ? 'valkey' : 'redis',
    version: valkey ?? field('redis_version') ?? '0.0.0',
    evictionPolicy: field('maxmemory_policy') ?? 'unknown',
  };
}

function atLeast(version: string, major: number, minor: number): boolean {
  const [a = 0, b = 0] = version.split('.').map(Number);
  return a > major || (a === major && b >= minor);
}

/**
 * Checks the facts of the server at `where` (a description without credentials).
 *
 * @throws {BackendConfigError} `ERR_BACKEND_CONFIG`, saying what to change.
 */
export function checkServer(facts: ServerFacts, where: string): void {
  const [major, minor] = facts.product === 'valkey' ? [7, 2] : [6, 2];
  if (!atLeast(facts.version, major, minor)) {
    throw new BackendConfigError(
      `connect(): ${where} runs ${facts.product} ${facts.version}; @multiproc/redis needs Redis ≥ 6.2 or Valkey ≥ 7.2. Upgrade the server.`,
    );
  }
  if (facts.evictionPolicy !== 'noeviction') {
    throw new BackendConfigError(
      `connect(): ${where} has maxmemory-policy ${facts.evictionPolicy}: it may evict keys, and with them queue items and locks. ` +
        'Run it with maxmemory-policy noeviction (CONFIG SET maxmemory-policy noeviction, or in redis.conf); ' +
        'a full server then refuses writes (an error you see) instead of losing state (an error you do not).',
    );
  }
}
