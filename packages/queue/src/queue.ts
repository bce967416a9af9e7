/**
 * `Queue<T>`: Python's `multiprocessing.Queue` — a FIFO shared by processes.
 *
 * The process that creates a Queue owns its items (see queue-state.ts); every
 * other process that receives it, as a Process argument or inside another
 * message, gets a proxy that calls the owner. Both are this class, with the
 * same API and type.
 *
 * @module
 */
import { InvalidArgumentError, isUnsendable, PROXY, runtime, SharedObject, type BlockingOptions, type ProxyOptions } from '@multiproc/wire';
import { QueueIterator } from './queue-iterator.js';
import { QueueState, type ConsumerDeathPolicy, type LostItems } from './queue-state.js';

/** Items a consumer in another process fetches per round trip with `getMany()`. */
const PREFETCH = 64;

/** Options of a {@link Queue}. */
export interface QueueOptions {
  /** Most items the queue holds; `put()` waits and `putNowait()` throws when it is full. 0 means unbounded. @default 0 */
  maxsize?: number;
}

/** @internal Options the queue classes pass down to {@link Queue}. */
export interface QueueInternals<T> extends ProxyOptions {
  joinable?: boolean;
  policy?: ConsumerDeathPolicy;
  onLost?: (lost: LostItems<T>) => void;
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
export class Queue<T = unknown> extends SharedObject<QueueState<T>> {
  /** The most items it holds (0: unbounded). */
  readonly maxsize: number;
  /** Puts made in this tick by a proxy, sent together. */
  #puts: { items: T[]; settle: Array<{ resolve: () => void; reject: (error: unknown) => void }> } | undefined;

  /**
   * @throws {InvalidArgumentError} `ERR_INVALID_ARGUMENT` for a negative or fractional maxsize.
   */
  constructor(options: QueueOptions = {}) {
    const internals = options as QueueOptions & QueueInternals<T>;
    const maxsize = options.maxsize ?? 0;
    if (!Number.isInteger(maxsize) || maxsize < 0) {
      throw new InvalidArgumentError(`new ${new.target.name}(): maxsize must be a whole number ≥ 0, got ${String(maxsize)}.`);
    }
    super(
      internals[PROXY],
      () => new QueueState<T>({ maxsize, joinable: internals.joinable ?? false, policy: internals.policy, onLost: internals.onLost }),
    );
    this.maxsize = maxsize;
  }

  /**
   * Adds an item. Resolves once the owner holds it, so a producer may exit right after.
   * Waits while a bounded queue is full.
   *
   * @throws {ClosedError} `ERR_CLOSED` when the queue is closed.
   * @throws {TimeoutError} `ERR_TIMEOUT` / {@link @multiproc/wire!AbortError} `ERR_ABORTED`: the item was not added.
   * @throws {EncodeError} `ERR_ENCODE` when the item cannot be sent to the owner.
   * @throws {OwnerGoneError} `ERR_OWNER_GONE` when the owning process has exited.
   */
  put(item: T, options?: BlockingOptions): Promise<void> {
    // In another process, puts of one tick without their own deadline travel as one message.
    if (options === undefined && !this.isOwner) return this.#coalescePut(item);
    return this._op('put', [item], options, (state, signal) => state.put(item, signal));
  }

  #coalescePut(item: T): Promise<void> {
    let batch = this.#puts;
    if (!batch) {
      batch = this.#puts = { items: [], settle: [] };
      queueMicrotask(() => this.#flushPuts());
    }
    const puts = batch;
    return new Promise<void>((resolve, reject) => {
      puts.items.push(item);
      puts.settle.push({ resolve, reject });
    });
  }

  /**
   * Sends the coalesced puts: one `putMany`, or each alone when one of them cannot be encoded or all of them are more
   * than one message may hold (`ERR_FRAME_TOO_LARGE`: the owner would have closed the connection on it).
   */
  #flushPuts(): void {
    const batch = this.#puts;
    if (!batch) return;
    this.#puts = undefined;
    const call = `${this.constructor.name}.put()`;
    const sendEach = () =>
      batch.items.forEach((item, i) => {
        this._run(call, 'put', [item], undefined, () => undefined).then(batch.settle[i]!.resolve, batch.settle[i]!.reject);
      });
    if (batch.items.length === 1) return sendEach();
    let fellBack = false;
    // Refused at once (not sent): each put goes alone, now, ahead of anything this producer sends after these puts.
    const onNotSent = (error: unknown) => {
      if (!isUnsendable(error)) return;
      fellBack = true;
      sendEach();
    };
    this._run(call, 'putMany', [batch.items], { onNotSent }, () => undefined).then(
      () => batch.settle.forEach((s) => s.resolve()),
      (error: unknown) => {
        if (!fellBack) batch.settle.forEach((s) => s.reject(error));
      },
    );
  }

  /**
   * Takes the oldest item, waiting for one. After `close()`, items left can still be taken;
   * then it rejects with `ERR_CLOSED`. An aborted or timed-out get never takes an item.
   *
   * @throws {ClosedError} `ERR_CLOSED` when the queue is closed and drained.
   * @throws {TimeoutError} `ERR_TIMEOUT` / {@link @multiproc/wire!AbortError} `ERR_ABORTED`.
   * @throws {OwnerGoneError} `ERR_OWNER_GONE`.
   */
  get(options?: BlockingOptions): Promise<T> {
    return this._op('get', [], options, (state, signal) => state.get(signal));
  }

  /**
   * Takes up to `max` items at once (at least one, waiting for it): one round trip to the owner for many items.
   *
   * @throws {ClosedError} `ERR_CLOSED` when the queue is closed and drained.
   */
  async getMany(max = PREFETCH, options?: BlockingOptions): Promise<T[]> {
    if (!Number.isInteger(max) || max < 1) throw new InvalidArgumentError(`Queue.getMany(): max must be a whole number ≥ 1, got ${String(max)}.`);
    if (this.isOwner) return this._op('getMany', [max], options, (state, signal) => state.getMany(max, signal));
    this.#flushPuts();
    const batch = await runtime().callBatch<T[]>(this.handle, 'getMany', [max], { call: `${this.constructor.name}.getMany()`, ...options });
    batch.acknowledge(batch.value.length);
    return batch.value;
  }

  /** Adds an item if there is room, else rejects with `ERR_QUEUE_FULL`. */
  putNowait(item: T): Promise<void> {
    return this._op('putNowait', [item], undefined, (state) => state.putNowait(item));
  }

  /** Takes an item if there is one, else rejects with `ERR_QUEUE_EMPTY`. */
  getNowait(): Promise<T> {
    return this._op('getNowait', [], undefined, (state) => state.getNowait());
  }

  /** The number of items in the queue (a snapshot: other processes may change it at once). */
  qsize(): Promise<number> {
    return this._op('size', [], undefined, (state) => state.size);
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
    return this._op('close', [], undefined, (state) => state.close());
  }

  /**
   * Takes items until the queue is closed and drained. In another process than the owner it
   * fetches several items per round trip, as many as this loop gets through in about 2 ms (by
   * how fast it used the last batch: from 1 for slow work up to 1024 for trivial items), so a
   * fast consumer pays few round trips and a slow one does not hoard items other consumers could
   * take. An item counts as taken only when the loop reaches it, so items fetched ahead go back
   * to the queue if the loop stops early or the process dies.
   */
  [Symbol.asyncIterator](): AsyncIterator<T> {
    return new QueueIterator<T>({
      take: async (ask) => {
        if (this.isOwner) return { items: [await this.get()] };
        this.#flushPuts();
        const batch = await runtime().callBatch<T[]>(this.handle, 'getMany', [ask], { call: `${this.constructor.name} iteration` });
        return { items: batch.value, acknowledge: batch.acknowledge };
      },
    });
  }

  /** Closes the queue (in the owner); a proxy only lets go of its handle. */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.isOwner) await this.close();
  }

  /** @internal Runs an operation here (owner) or in the owner (proxy), after any puts coalesced before it (FIFO per producer). */
  protected _op<R>(op: string, args: unknown[], options: BlockingOptions | undefined, local: (state: QueueState<T>, signal?: AbortSignal) => R | Promise<R>): Promise<R> {
    this.#flushPuts();
    return this._run(`${this.constructor.name}.${op === 'size' ? 'qsize' : op}()`, op, args, options, local);
  }
}
