/**
 * The key layout, in one place. Every key starts with `mp:` and the namespace; the keys of one object share one hash
 * tag (`{…}`), so each script touches one cluster slot:
 *
 * ```
 * mp:{<ns>/<family>/<name>}:<part>     an object's keys (meta, items, waiters, …)
 * mp:<ns>:live:<client>                a process's liveness key (TTL livenessTtlMs), refreshed off its event loop (a quarter of the TTL)
 * mp:<ns>:touched:<client>             the object tags a process has state in (what its death releases)
 * mp:<ns>:c:<client>                   a process's wake-up channel (pub/sub: only hints)
 * mp:<ns>:backend-id                   the backend's id (made by its first client)
 * ```
 *
 * A name may hold any character: a `}` in it ends the hash tag early, but at the same place for every key of the
 * object, so they still share a slot.
 *
 * @module
 */

/** The families of objects: each has its own scripts and parts. */
export type Family = 'queue' | 'lock' | 'event' | 'cond' | 'barrier' | 'pool';

/** The key names of one object. */
export interface ObjectKeys {
  /** The `{…}` part: what identifies the object in a process's `touched` set. */
  readonly tag: string;
  /** `mp:{tag}:<part>`. */
  part(name: string): string;
}

/** An object's keys. */
export function objectKeys(namespace: string, family: Family, name: string): ObjectKeys {
  const tag = `{${namespace}/${family}/${name}}`;
  return { tag, part: (part) => `mp:${tag}:${part}` };
}

/** The key of a part of the object whose tag is `tag` (as stored in a `touched` set). */
export function partOfTag(tag: string, part: string): string {
  return `mp:${tag}:${part}`;
}

/** The family of a stored tag. */
export function familyOfTag(tag: string): Family | undefined {
  const match = /^\{[^/]*\/([a-z]+)\//.exec(tag);
  return match?.[1] as Family | undefined;
}

/** Keys of one process (client) in a namespace. */
export const clientKeys = {
  live: (namespace: string, client: string) => `mp:${namespace}:live:${client}`,
  touched: (namespace: string, client: string) => `mp:${namespace}:touched:${client}`,
  channel: (namespace: string, client: string) => `mp:${namespace}:c:${client}`,
};

/** The key that holds the backend's id. */
export const backendIdKey = (namespace: string) => `mp:${namespace}:backend-id`;

/** The keys each family's scripts take, in order (KEYS[1], KEYS[2], …). */
export const FAMILY_PARTS: Record<Family, readonly string[]> = {
  queue: ['meta', 'items', 'waiters'],
  lock: ['meta', 'waiters', 'holders', 'grants'],
  event: ['meta'],
  cond: ['meta', 'waiters'],
  barrier: ['meta'],
  pool: ['meta', 'tasks', 'waiters'],
};

/** The keys of `family`'s scripts for the object with tag `tag`. */
export function scriptKeys(family: Family, tag: string): string[] {
  return FAMILY_PARTS[family].map((part) => partOfTag(tag, part));
}
