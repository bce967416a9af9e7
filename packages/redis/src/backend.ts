/**
 * `RedisBackend`: what `connect()` returns and objects take as `{ name, backend }`. It makes the objects of both
 * families (it is a `QueueBackendProvider` and a `LockBackendProvider`) and holds this process's session with the
 * server (session.ts), opened at `connect()` or, for a backend made from the environment, at its first use.
 *
 * @module
 */
import type { ObjectRef } from '@multiproc/wire';
import type { BarrierSpec, LockBackendProvider, LockSpec } from '@multiproc/lock';
import type { QueueBackendProvider, QueueSpec } from '@multiproc/queue';
import type { PoolEngineProvider, PoolEngineSetup } from '@multiproc/pool';
import { RedisPoolEngine } from './pool/redis-pool-engine.js';
import { poolQueue } from './pool/pool-queue.js';
import type { ConnectOptions } from './connect.js';
import { InvalidArgumentError } from '@multiproc/wire';
import { RedisBarrier } from './lock/redis-barrier.js';
import { RedisCondition } from './lock/redis-condition.js';
import { RedisEvent } from './lock/redis-event.js';
import { RedisLock } from './lock/redis-lock.js';
import { REDIS_KIND, type RedisRef } from './named-object.js';
import { checkOptions, openSession, type CheckedOptions } from './open-session.js';
import { RedisQueue } from './queue/redis-queue.js';
import { configFromParent, joinParentLink } from './parent-link.js';
import { addBackend, parentSide, removeBackend } from './resolver.js';
import { randomBytes } from 'node:crypto';
import { NoBackendError } from './errors.js';
import type { Session } from './session.js';

type BackendState = 'new' | 'connecting' | 'open' | 'closed';

/** Internal option: a backend inherited from the parent (see `RedisBackend.inherited`). */
const INHERIT = Symbol('inherit');

/** See the module comment. */
export class RedisBackend implements QueueBackendProvider, LockBackendProvider, PoolEngineProvider {
  readonly kind = REDIS_KIND;
  /** Every key of its objects is under `mp:<namespace>`. */
  readonly namespace: string;
  /** The server, without credentials (`redis://host:6379/0`): safe to print. */
  readonly server: string;
  /** How to connect: checked options, or (a backend inherited from the parent process) how to get them. */
  #source: { url: string; options: ConnectOptions; checked: CheckedOptions } | { inherit: string };
  #state: BackendState = 'new';
  /** Names of objects made without one: private to the processes they are passed to. */
  readonly #unnamedPrefix = `~${randomBytes(6).toString('hex')}.`;
  #unnamed = 0;
  #session: Promise<Session> | undefined;
  #open: Session | undefined;

  /**
   * Checks `url` and `options` now; connects at `connect()`, or at the first use. Prefer `connect()`, which reports
   * an unreachable or misconfigured server at once.
   *
   * @throws {BackendConfigError} `ERR_BACKEND_CONFIG` for a bad URL, namespace or payload key.
   */
  constructor(url: string, options: ConnectOptions = {}) {
    const inherit = (options as { [INHERIT]?: { id: string; namespace: string } })[INHERIT];
    if (inherit) {
      this.#source = { inherit: inherit.id };
      this.namespace = inherit.namespace;
      this.server = '(a backend inherited from the parent process)';
      return;
    }
    const checked = checkOptions(url, options);
    this.#source = { url, options, checked };
    this.namespace = checked.namespace;
    this.server = checked.address.description;
  }

  /** @internal A backend this process's multiproc parent tells how to connect to (an object of it arrived here). */
  static inherited(id: string, namespace: string): RedisBackend {
    return new RedisBackend('', { [INHERIT]: { id, namespace } } as ConnectOptions);
  }

  /** @internal How a child of this process connects to this backend (asked through the parent link). */
  configForChildren(): { url: string; options: ConnectOptions } | undefined {
    return 'url' in this.#source ? { url: this.#source.url, options: this.#source.options } : undefined;
  }

  /** The backend's id (stored in the server), once connected: references carry it, never the URL. */
  get id(): string | undefined {
    return this.#open?.id;
  }

  /** This process's name in the server once connected (`<pid>.<random>`): what holds its locks and items. */
  get client(): string | undefined {
    return this.#open?.client;
  }

  /**
   * @internal The session, connecting on the first call (a failed attempt is retried by the next call).
   * @throws {BackendUnavailableError} `ERR_BACKEND_UNAVAILABLE` / {@link BackendConfigError} `ERR_BACKEND_CONFIG`.
   */
  session(): Promise<Session> {
    if (this.#state === 'closed') return Promise.reject(new InvalidArgumentError(`${this}: the backend is closed.`));
    this.#session ??= this.#connect();
    return this.#session;
  }

  async #connect(): Promise<Session> {
    this.#state = 'connecting';
    try {
      const session = await openSession(await this.#checkedOptions());
      if ((this.#state as BackendState) === 'closed') {
        await session.close();
        throw new InvalidArgumentError(`${this}: the backend was closed while it connected.`);
      }
      this.#open = session;
      this.#state = 'open';
      addBackend(this);
      joinParentLink({ id: session.id, namespace: session.namespace, client: session.client }, parentSide);
      return session;
    } catch (error) {
      if (this.#state === 'connecting') this.#state = 'new';
      this.#session = undefined;
      throw error;
    }
  }

  async #checkedOptions(): Promise<CheckedOptions> {
    const source = this.#source;
    if ('checked' in source) return source.checked;
    const config = await configFromParent(source.inherit, this.namespace);
    if (!config) {
      throw new NoBackendError(
        `an object of a Redis backend (namespace '${this.namespace}') arrived in process ${process.pid}, and its parent has no such backend to share. ` +
          `Connect one here (connect(url, { namespace: '${this.namespace}' })), or set MULTIPROC_BACKEND and MULTIPROC_NAMESPACE.`,
      );
    }
    const checked = checkOptions(config.url, config.options);
    this.#source = { url: config.url, options: config.options, checked };
    (this as { server: string }).server = checked.address.description;
    return checked;
  }

  /** The object's name, or a fresh private one. */
  #nameOf(name: string | undefined, kind: string): string {
    if (name === undefined) return `${this.#unnamedPrefix}${++this.#unnamed}`;
    if (typeof name !== 'string' || name.length === 0 || name.length > 512) {
      throw new InvalidArgumentError(`new ${kind}({ name }): a name on Redis is 1-512 characters, got ${typeof name === 'string' ? `${name.length}` : typeof name}.`);
    }
    return name;
  }

  createQueue<T>(spec: QueueSpec<T>): RedisQueue<T> {
    return new RedisQueue<T>(this, this.#nameOf(spec.name, spec.joinable ? 'JoinableQueue' : 'Queue'), spec);
  }

  openQueue<T>(ref: ObjectRef, spec: QueueSpec<T>): RedisQueue<T> {
    return new RedisQueue<T>(this, (ref as RedisRef).name, spec);
  }

  createLock(spec: LockSpec): RedisLock {
    return new RedisLock(this, this.#nameOf(spec.name, spec.kind), spec);
  }

  openLock(ref: ObjectRef, spec: LockSpec): RedisLock {
    return new RedisLock(this, (ref as RedisRef).name, spec);
  }

  createEvent(spec: { readonly name?: string | undefined }): RedisEvent {
    return new RedisEvent(this, this.#nameOf(spec.name, 'Event'));
  }

  openEvent(ref: ObjectRef): RedisEvent {
    return new RedisEvent(this, (ref as RedisRef).name);
  }

  createCondition(spec: { readonly name?: string | undefined; readonly lock: unknown }): RedisCondition {
    return new RedisCondition(this, this.#nameOf(spec.name, 'Condition'), asRedisLock(spec.lock));
  }

  openCondition(ref: ObjectRef, lock: unknown): RedisCondition {
    return new RedisCondition(this, (ref as RedisRef).name, asRedisLock(lock));
  }

  createBarrier(spec: BarrierSpec): RedisBarrier {
    return new RedisBarrier(this, this.#nameOf(spec.name, 'Barrier'), spec);
  }

  openBarrier(ref: ObjectRef, spec: BarrierSpec): RedisBarrier {
    return new RedisBarrier(this, (ref as RedisRef).name, spec);
  }

  /** Makes the engine of `new Pool({ name, backend })`: its tasks run on the agents (`multiproc worker`) of that pool. */
  createPoolEngine(setup: PoolEngineSetup): RedisPoolEngine {
    const name = this.#nameOf(setup.name, 'Pool');
    const maxDeliveries = ('options' in this.#source ? this.#source.options.maxDeliveries : undefined) ?? 3;
    if (!Number.isInteger(maxDeliveries) || maxDeliveries < 1) {
      throw new InvalidArgumentError(`connect(): maxDeliveries must be a whole number ≥ 1, got ${String(maxDeliveries)}.`);
    }
    return new RedisPoolEngine(this, setup, poolQueue(this, name), maxDeliveries);
  }

  /**
   * @internal Releases what process `client` held in this namespace, as if it died (locks freed with `ownerDied`,
   * unfinished items back at the head, barriers broken). A parent does it for a child that died.
   */
  async reapClient(client: string): Promise<void> {
    await (await this.session()).reapClient(client);
  }

  /**
   * Releases everything this process holds in the server (locks, unfinished items, waits), stops its heartbeat and
   * closes the connections. Objects on it reject their calls afterwards.
   */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    const session = this.#session;
    this.#state = 'closed';
    removeBackend(this);
    if (session) await (await session.catch(() => undefined))?.close();
  }

  /** Same as `close()`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** `<RedisBackend redis://host:6379/0 namespace=etl>`: never credentials. */
  toString(): string {
    return `<RedisBackend ${this.server} namespace=${this.namespace}>`;
  }
}

function asRedisLock(lock: unknown): RedisLock {
  if (!(lock instanceof RedisLock) || (lock.spec.kind !== 'Lock' && lock.spec.kind !== 'RLock')) {
    throw new InvalidArgumentError('new Condition({ backend }): its lock must be a Lock or RLock on the same Redis backend.');
  }
  return lock;
}
