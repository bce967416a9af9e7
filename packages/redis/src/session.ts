/**
 * `Session`: one process's connection to a Redis server for one namespace, as the objects on it use it: it runs
 * their scripts (mapping connection errors to `ERR_BACKEND_UNAVAILABLE`), routes their wake-ups, keeps this process's
 * liveness key alive, and releases what dead processes held. The public face is `RedisBackend` (backend.ts).
 *
 * Lifecycle (one field, `#state`): open → closing → closed.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { ClosedError, MultiprocError } from '@multiproc/wire';
import { BackendUnavailableError } from './errors.js';
import { clientKeys, familyOfTag, scriptKeys } from './keys.js';
import type { Liveness } from './liveness.js';
import { runScript, type Reply, type ScriptName } from './scripts.js';
import type { ValueCodec } from './value-codec.js';
import type { Wakeups } from './wakeups.js';

/** What `connect()` hands the session. */
export interface SessionParts {
  id: string;
  namespace: string;
  client: string;
  server: string;
  livenessTtlMs: number;
  commands: Redis;
  subscriber: Redis;
  wakeups: Wakeups;
  liveness: Liveness;
  codec: ValueCodec;
}

type SessionState = 'open' | 'closing' | 'closed';

/** See the module comment. Made by `connect()`. */
export class Session {
  /** The backend's id (stored in the server at its first use): handles name it, never the URL or credentials. */
  readonly id: string;
  /** Every key of this backend's objects is under it. */
  readonly namespace: string;
  /** This process's name in the server (`<pid>.<random>`): what holds locks and takes items. */
  readonly client: string;
  /** The server, without credentials (`redis://host:6379/0`). */
  readonly server: string;
  /** How long this process's liveness key lives without a heartbeat, ms. */
  readonly livenessTtlMs: number;
  /** */
  readonly codec: ValueCodec;
  /** */
  readonly wakeups: Wakeups;
  readonly #commands: Redis;
  readonly #subscriber: Redis;
  readonly #liveness: Liveness;
  #state: SessionState = 'open';
  #tickets = 0;
  /** Objects this process has registered state in (their tags). */
  readonly #touched = new Set<string>();
  /** Calls in progress: while there is one, the connections keep the process alive. */
  #busy = 0;
  /** Cancels that failed while the server was away: run again once it is back. */
  readonly #pendingCancels = new Set<() => Promise<unknown>>();

  constructor(parts: SessionParts) {
    this.id = parts.id;
    this.namespace = parts.namespace;
    this.client = parts.client;
    this.server = parts.server;
    this.livenessTtlMs = parts.livenessTtlMs;
    this.codec = parts.codec;
    this.wakeups = parts.wakeups;
    this.#commands = parts.commands;
    this.#subscriber = parts.subscriber;
    this.#liveness = parts.liveness;
    this.#commands.on('ready', () => this.#retryCancels());
    this.#subscriber.on('ready', () => this.#setRef(this.#busy > 0));
    this.#setRef(false);
  }

  /** True until `close()` is called. */
  get isOpen(): boolean {
    return this.#state === 'open';
  }

  /** How often a waiting call re-checks its state and looks for dead processes, ms. */
  get recheckMs(): number {
    return Math.min(1000, Math.max(50, Math.floor(this.livenessTtlMs / 2)));
  }

  /** A ticket: names one wait of this process (unique in the process). */
  nextTicket(): string {
    return String(++this.#tickets);
  }

  /**
   * Runs a script. Errors of the connection become `ERR_BACKEND_UNAVAILABLE` (naming `call`); the script
   * may or may not have run when the connection was lost while it was on its way.
   */
  async run(call: string, name: ScriptName, keys: readonly string[], args: ReadonlyArray<string | number | Buffer>): Promise<Reply> {
    this.#checkOpen(call);
    this.#enter();
    try {
      return await runScript(this.#commands, name, keys, args);
    } catch (error) {
      throw this.#unavailable(call, error);
    } finally {
      this.#leave();
    }
  }

  /** Runs a plain command (for reads such as HGET), with the same error mapping as `run`. */
  async command<R>(call: string, run: (redis: Redis) => Promise<R>): Promise<R> {
    this.#checkOpen(call);
    this.#enter();
    try {
      return await run(this.#commands);
    } catch (error) {
      throw this.#unavailable(call, error);
    } finally {
      this.#leave();
    }
  }

  /** Marks this process as having state in the object `tag` (so its death releases it); once per object. */
  touch(tag: string): void {
    if (this.#touched.has(tag)) return;
    this.#touched.add(tag);
    // Sent ahead of the script that creates the state, on the same connection: the server sees it first.
    this.#commands.sadd(clientKeys.touched(this.namespace, this.client), tag).catch(() => this.#touched.delete(tag));
  }

  /** Registers object `tag` again (this process was taken for dead and its registrations dropped). */
  retouch(tag: string): void {
    this.#touched.delete(tag);
    this.touch(tag);
  }

  /** Keeps the process alive while a wait is in progress (a wait has no command on its way). */
  hold(): () => void {
    this.#enter();
    let held = true;
    return () => {
      if (held) this.#leave();
      held = false;
    };
  }

  /** A cancel that could not reach the server: it runs again when the server is back. */
  cancelLater(cancel: () => Promise<unknown>): void {
    this.#pendingCancels.add(cancel);
  }

  /**
   * Looks for dead processes with state in object `tag` (their liveness key is gone) and releases what
   * they held there and everywhere else.
   */
  async probe(tag: string): Promise<void> {
    const clients = (await this.command('probe', (r) => r.smembers(`mp:${tag}:clients`))).filter((c) => c !== this.client);
    if (clients.length === 0) return;
    const alive = await this.command('probe', (r) => Promise.all(clients.map((c) => r.exists(clientKeys.live(this.namespace, c)))));
    for (let i = 0; i < clients.length; i++) if (alive[i] === 0) await this.reapClient(clients[i]!);
  }

  /**
   * Releases what process `client` held in this namespace, as if it died: its locks are freed (the next holder sees
   * `ownerDied`), its unfinished items go back to the head of their queues, its barriers break. A parent calls it
   * for a child that died; every process calls it for one whose liveness key expired. Idempotent.
   */
  async reapClient(client: string): Promise<void> {
    const touchedKey = clientKeys.touched(this.namespace, client);
    const tags = await this.command('reap', (r) => r.smembers(touchedKey));
    const prefix = clientKeys.channel(this.namespace, '');
    for (const tag of tags) {
      const family = familyOfTag(tag);
      if (family) await this.run('reap', `${family}-reap` as ScriptName, scriptKeys(family, tag), [prefix, client]);
    }
    await this.command('reap', (r) => r.del(touchedKey, clientKeys.live(this.namespace, client)));
  }

  /** The prefix of every process's wake-up channel (scripts append the client). */
  get channelPrefix(): string {
    return clientKeys.channel(this.namespace, '');
  }

  /**
   * Releases everything this process holds in the server (locks, unfinished items, waits), stops its heartbeat,
   * and closes its connections. Calls made after it reject with `ERR_CLOSED`.
   */
  async close(): Promise<void> {
    if (this.#state !== 'open') return;
    this.#state = 'closing';
    try {
      await this.#liveness.stop();
      if (this.#commands.status === 'ready') await this.reapClient(this.client).catch(() => undefined);
    } finally {
      this.#state = 'closed';
      this.#commands.disconnect();
      this.#subscriber.disconnect();
      // Waits in progress re-check now, find the backend closed, and reject with ERR_CLOSED (not at their next timer).
      this.wakeups.recheckAll();
    }
  }

  #checkOpen(call: string): void {
    // A backend closing still runs its own release (reapClient).
    if (this.#state === 'closed') throw new ClosedError(`${call}: the Redis backend (${this.server}) is closed.`);
  }

  #unavailable(call: string, error: unknown): Error {
    if (error instanceof MultiprocError) return error;
    const name = (error as Error | undefined)?.name;
    // A script's own error (ReplyError) is a bug here, not the server's absence: keep it as it is.
    if (name === 'ReplyError' && !/NOSCRIPT|LOADING|BUSY|READONLY|MASTERDOWN/.test((error as Error).message)) return error as Error;
    return new BackendUnavailableError(
      `${call}: the Redis server ${this.server} is not reachable (${(error as Error | undefined)?.message ?? String(error)}); ` +
        'if the call changed state, it may or may not have been applied. Check that the server runs and is reachable; ' +
        'calls work again once it is back.',
      { cause: error },
    );
  }

  #enter(): void {
    if (this.#busy++ === 0) this.#setRef(true);
  }

  #leave(): void {
    if (--this.#busy === 0) this.#setRef(false);
  }

  /** The connections keep the process alive only while a call is in progress (an idle backend never does). */
  #setRef(ref: boolean): void {
    for (const redis of [this.#commands, this.#subscriber]) {
      const stream = (redis as unknown as { stream?: { ref(): void; unref(): void } }).stream;
      if (ref) stream?.ref();
      else stream?.unref();
    }
  }

  #retryCancels(): void {
    this.#setRef(this.#busy > 0);
    for (const cancel of this.#pendingCancels) {
      this.#pendingCancels.delete(cancel);
      cancel().catch(() => this.#pendingCancels.add(cancel));
    }
  }
}

/** A fresh client name: `<pid>.<random>`. */
export function newClientName(): string {
  return `${process.pid}.${randomBytes(4).toString('hex')}`;
}
