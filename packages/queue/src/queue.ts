/**
 * `Queue<T>`: Python's `multiprocessing.Queue` — a FIFO shared by processes.
 *
 * A facade: it checks arguments and calls its backend (queue-backend.ts). The
 * process that creates a Queue owns its items (local/); every other process
 * that receives it, as a Process argument or inside another message, gets the
 * same class over a proxy backend that calls the owner (remote/).
 *
 * @module
 */
import { checkBlockingOptions, handleOf, InvalidArgumentError, WAITERS, type BackendOptions, type BlockingOptions, type Handle } from '@multiproc/wire';
import { queueBackendFor, type QueueInternals } from './create-backend.js';
import type { ConsumerDeathPolicy, LostItems, PutOptions, QueueBackend, QueueBackendProvider, QueueWaiters, Taken, TakeOptions } from './queue-backend.js';
import { QueueIterator } from './queue-iterator.js';

/** Items a consumer in another process fetches per round trip with `getMany()`. */
const PREFETCH = 64;

/** Options of a {@link Queue}: also `{ name, backend }` to keep it on a backend (a Redis backend, …) instead of in this process. */
export interface QueueOptions extends BackendOptions<QueueBackendProvider> {
  /** Most items the queue holds; `put()` waits and `putNowait()` throws when it is full. 0 means unbounded. @default 0 */
  maxsize?: number;
}

/** A class's call names, and the options of its calls made without a deadline: made once per class, not per call. */
interface Calls {
  readonly put: PutOptions;
  readonly get: TakeOptions;
  readonly getNowait: TakeOptions;
  readonly getMany: string;
  readonly putNowait: string;
  readonly iteration: TakeOptions;
}

const callsByClass = new Map<string, Calls>();

function callsOf(name: string): Calls {
  let calls = callsByClass.get(name);
  if (!calls) {
    calls = {
      put: { call: `${name}.put()` },
      get: { call: `${name}.get()`, wait: true },
      getNowait: { call: `${name}.getNowait()`, wait: false },
      getMany: `${name}.getMany()`,
      putNowait: `${name}.putNowait()`,
      iteration: { call: `${name} iteration`, wait: true },
    };
    callsByClass.set(name, calls);
  }
  return calls;
}

/** The one item a get took: acknowledged (delivered) before the caller's code sees it. */
function first<T>(taken: Taken<T>): T {
  taken.ack(1);
  return taken.items[0]!;
}

/** @internal Options the queue classes pass down to {@link Queue}. */
export interface QueueClassInternals<T> extends QueueInternals<T> {
  joinable?: boolean;
  policy?: ConsumerDeathPolicy | undefined;
  onLost?: ((lost: LostItems<T>) => void) | undefined;
}

/**
 * A FIFO queue shared by processes. Pass it to a child and use it there.
 *
 * @example
 * ```ts
 * const queue = new Queue<number>();
 * new Process({ target: produce, args: [queue] }).start();   // produce: await queue.put(1)
 * console.log(await queue.get());                             // 1
 * ```
 */
export class Queue<T = unknown> {
  /** @internal */
  protected readonly _backend: QueueBackend<T>;
  readonly #calls: Calls;

  /**
   * @throws {InvalidArgumentError} `ERR_INVALID_ARGUMENT` for a negative or fractional maxsize.
   */
  constructor(options: QueueOptions = {}) {
    const internals = options as QueueOptions & QueueClassInternals<T>;
    const maxsize = options.maxsize ?? 0;
    if (!Number.isInteger(maxsize) || maxsize < 0) {
      throw new InvalidArgumentError(`new ${new.target.name}(): maxsize must be a whole number ≥ 0, got ${String(maxsize)}.`);
    }
    const spec = { maxsize, joinable: internals.joinable ?? false, onConsumerDeath: internals.policy, onLostItems: internals.onLost };
    this._backend = queueBackendFor<T>(spec, internals, this);
    this.#calls = callsOf(new.target.name);
  }

  /** The most items it holds (0: unbounded). */
  get maxsize(): number {
    return this._backend.spec.maxsize;
  }

  /** @internal The owner and id of this object when it is the process-local backend's (tests and tools that speak to an owner directly). */
  get handle(): Handle {
    return handleOf(this._backend.ref());
  }

  /** True in the process that holds the items. */
  get isOwner(): boolean {
    return this._backend.isOwner;
  }

  /**
   * Adds an item. Resolves once the owner holds it, so a producer may exit right after.
   * Waits while a bounded queue is full.
   *
   * @throws {ClosedError} `ERR_CLOSED` when the queue is closed.
   * @throws {TimeoutError} `ERR_TIMEOUT` / {@link @multiproc/wire!AbortError} `ERR_ABORTED`: the item was not added.
   * @throws {EncodeError} `ERR_ENCODE` when the item cannot be sent to other processes (also in the owner, once the queue was passed to one).
   * @throws {OwnerGoneError} `ERR_OWNER_GONE` when the owning process has exited.
   * @throws {InvalidArgumentError} `ERR_INVALID_ARGUMENT` for bad options (Python's `put(item, True, 0.1)`: write `put(item, { timeout: 100 })`).
   */
  put(item: T, options?: BlockingOptions): Promise<void> {
    if (options === undefined) return this._backend.put(item, this.#calls.put);
    const call = this.#calls.put.call;
    try {
      checkBlockingOptions(call, options, 'put(item, { timeout: 100 })');
    } catch (error) {
      return Promise.reject(error);
    }
    return this._backend.put(item, { call, timeout: options?.timeout, signal: options?.signal });
  }

  /**
   * Takes the oldest item, waiting for one. After `close()`, items left can still be taken;
   * then it rejects with `ERR_CLOSED`. An aborted or timed-out get never takes an item.
   *
   * @throws {ClosedError} `ERR_CLOSED` when the queue is closed and drained.
   * @throws {TimeoutError} `ERR_TIMEOUT` / {@link @multiproc/wire!AbortError} `ERR_ABORTED`.
   * @throws {OwnerGoneError} `ERR_OWNER_GONE`.
   * @throws {InvalidArgumentError} `ERR_INVALID_ARGUMENT` for bad options (Python's `get(True, 0.1)`: write `get({ timeout: 100 })`).
   */
  get(options?: BlockingOptions): Promise<T> {
    if (options === undefined) return this._backend.take(1, this.#calls.get).then(first);
    const call = this.#calls.get.call;
    try {
      checkBlockingOptions(call, options, 'get({ timeout: 100 }), or getNowait() for get(False)');
    } catch (error) {
      return Promise.reject(error);
    }
    return this._backend.take(1, { call, wait: true, timeout: options.timeout, signal: options.signal }).then(first);
  }

  /**
   * Takes up to `max` items at once (at least one, waiting for it): one round trip to the owner for many items.
   *
   * @throws {ClosedError} `ERR_CLOSED` when the queue is closed and drained.
   */
  async getMany(max = PREFETCH, options?: BlockingOptions): Promise<T[]> {
    const call = this.#calls.getMany;
    if (!Number.isInteger(max) || max < 1) throw new InvalidArgumentError(`${call}: max must be a whole number ≥ 1, got ${String(max)}.`);
    checkBlockingOptions(call, options, 'getMany(max, { timeout: 100 })');
    const taken = await this._backend.take(max, { call, wait: true, timeout: options?.timeout, signal: options?.signal });
    taken.ack(taken.items.length);
    return taken.items as T[];
  }

  /** Adds an item if there is room, else rejects with `ERR_QUEUE_FULL`. */
  putNowait(item: T): Promise<void> {
    return this._backend.putNowait(item, this.#calls.putNowait);
  }

  /** Takes an item if there is one, else rejects with `ERR_QUEUE_EMPTY`. */
  getNowait(): Promise<T> {
    return this._backend.take(1, this.#calls.getNowait).then(first);
  }

  /** The number of items in the queue (a snapshot: other processes may change it at once). */
  qsize(): Promise<number> {
    return this._backend.size();
  }

  /** True when the queue holds no items (a snapshot). */
  async empty(): Promise<boolean> {
    return (await this.qsize()) === 0;
  }

  /** True when a bounded queue holds `maxsize` items (a snapshot). */
  async full(): Promise<boolean> {
    return this.maxsize > 0 && (await this.qsize()) >= this.maxsize;
  }

  /**
   * Closes the queue for every process: puts fail with `ERR_CLOSED`, waiting calls wake with it,
   * and `for await` loops end once the items left are taken.
   */
  close(): Promise<void> {
    return this._backend.close();
  }

  /**
   * Takes items until the queue is closed and drained. In another process than the owner it
   * fetches several items per round trip, as many as this loop gets through in about 2 ms (by
   * how fast it used the last batch: from 1 for slow work up to 1024 for trivial items), so a
   * fast consumer pays few round trips and a slow one does not hoard items other consumers could
   * take. An item counts as taken only when the loop reaches it (the owner is told before the
   * loop's body runs), so items fetched ahead go back to the queue if the loop stops early or the
   * process dies, and an item the loop reached never comes back.
   */
  [Symbol.asyncIterator](): AsyncIterator<T> {
    const backend = this._backend;
    const options = this.#calls.iteration;
    // The owner takes one item at a time: what it takes is gone from the queue at once, for everyone else.
    return new QueueIterator<T>({ take: (ask) => backend.take(backend.isOwner ? 1 : ask, options) });
  }

  /** Closes the queue (in the owner); a proxy only lets go of it. */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.isOwner) await this.close();
  }

  /** @internal How many calls wait on it now (for tests). */
  [WAITERS](): Promise<QueueWaiters> {
    return this._backend.waiters();
  }

  /** `<Queue owner>` in the process that holds the items, `<Queue proxy>` elsewhere. */
  toString(): string {
    return `<${this.constructor.name} ${this.isOwner ? 'owner' : 'proxy'}>`;
  }
}
