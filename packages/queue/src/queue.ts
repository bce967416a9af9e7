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
import {
  Deadline,
  InvalidArgumentError,
  runtime,
  type BlockingOptions,
  type Handle,
} from '@multiproc/wire';
import { QueueState, type ConsumerDeathPolicy, type LostItems } from './queue-state.js';

/** Options of a {@link Queue}. */
export interface QueueOptions {
  /** Most items the queue holds; `put()` waits and `putNowait()` throws when it is full. 0 means unbounded. @default 0 */
  maxsize?: number;
}

/** The two ways a queue object is backed: the owner's state, or a handle to it. */
type Backing<T> = { state: QueueState<T>; id: number } | { handle: Handle };

/** @internal Builds a proxy instead of a new queue. */
export const PROXY = Symbol('multiproc.queue.proxy');

/** @internal Options every queue class passes down to {@link Queue}. */
export interface QueueInternals<T> {
  joinable?: boolean;
  policy?: ConsumerDeathPolicy;
  onLost?: (lost: LostItems<T>) => void;
  [PROXY]?: Handle;
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
  /** The most items it holds (0: unbounded). */
  readonly maxsize: number;
  readonly #backing: Backing<T>;

  /**
   * @throws {InvalidArgumentError} `ERR_INVALID_ARGUMENT` for a negative or fractional maxsize.
   */
  constructor(options: QueueOptions = {}) {
    const internals = options as QueueOptions & QueueInternals<T>;
    const maxsize = options.maxsize ?? 0;
    if (!Number.isInteger(maxsize) || maxsize < 0) {
      throw new InvalidArgumentError(`new ${new.target.name}(): maxsize must be a whole number ≥ 0, got ${String(maxsize)}.`);
    }
    this.maxsize = maxsize;
    const handle = internals[PROXY];
    if (handle) {
      this.#backing = { handle };
    } else {
      const state = new QueueState<T>({ maxsize, joinable: internals.joinable ?? false, policy: internals.policy, onLost: internals.onLost });
      this.#backing = { state, id: runtime().own(state) };
      owners.set(state as QueueState<unknown>, this as Queue<unknown>);
    }
  }

  /**
   * Adds an item. Resolves once the owner holds it, so a producer may exit right after.
   * Waits while a bounded queue is full.
   *
   * @throws {ClosedError} `ERR_CLOSED` when the queue is closed.
   * @throws {TimeoutError} `ERR_TIMEOUT` / {@link AbortError} `ERR_ABORTED`: the item was not added.
   * @throws {EncodeError} `ERR_ENCODE` when the item cannot be sent to the owner.
   * @throws {OwnerGoneError} `ERR_OWNER_GONE` when the owning process has exited.
   */
  put(item: T, options?: BlockingOptions): Promise<void> {
    return this.#run('put', [item], options, (state, signal) => state.put(item, signal));
  }

  /**
   * Takes the oldest item, waiting for one. After `close()`, items left can still be taken;
   * then it rejects with `ERR_CLOSED`. An aborted or timed-out get never takes an item.
   *
   * @throws {ClosedError} `ERR_CLOSED` when the queue is closed and drained.
   * @throws {TimeoutError} `ERR_TIMEOUT` / {@link AbortError} `ERR_ABORTED`.
   * @throws {OwnerGoneError} `ERR_OWNER_GONE`.
   */
  get(options?: BlockingOptions): Promise<T> {
    return this.#run('get', [], options, (state, signal) => state.get(signal));
  }

  /** Adds an item if there is room, else rejects with `ERR_QUEUE_FULL`. */
  putNowait(item: T): Promise<void> {
    return this.#run('putNowait', [item], undefined, (state) => state.putNowait(item));
  }

  /** Takes an item if there is one, else rejects with `ERR_QUEUE_EMPTY`. */
  getNowait(): Promise<T> {
    return this.#run('getNowait', [], undefined, (state) => state.getNowait());
  }

  /** The number of items in the queue (a snapshot: other processes may change it at once). */
  qsize(): Promise<number> {
    return this.#run('size', [], undefined, (state) => state.size);
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
    return this.#run('close', [], undefined, (state) => state.close());
  }

  /** Takes items until the queue is closed and drained. */
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      try {
        yield await this.get();
      } catch (error) {
        if ((error as { code?: string }).code === 'ERR_CLOSED') return;
        throw error;
      }
    }
  }

  /** Closes the queue (in the owner); a proxy only lets go of its handle. */
  async [Symbol.asyncDispose](): Promise<void> {
    if ('state' in this.#backing) await this.close();
  }

  /** `<Queue owner=123 id=4>`. */
  toString(): string {
    const handle = this.handle;
    return `<${this.constructor.name} owner=${handle.owner.pid} id=${handle.id}${'state' in this.#backing ? ' local' : ''}>`;
  }

  /** @internal The handle written when this queue is passed to another process. */
  get handle(): Handle {
    const backing = this.#backing;
    return 'handle' in backing ? backing.handle : runtime().handle(backing.id);
  }

  /** @internal Runs an operation locally (owner) or through the runtime (proxy). */
  protected _run<R>(op: string, args: unknown[], options: BlockingOptions | undefined, local: (state: QueueState<T>, signal?: AbortSignal) => R | Promise<R>): Promise<R> {
    return this.#run(op, args, options, local);
  }

  #run<R>(op: string, args: unknown[], options: BlockingOptions | undefined, local: (state: QueueState<T>, signal?: AbortSignal) => R | Promise<R>): Promise<R> {
    const call = `${this.constructor.name}.${op === 'size' ? 'qsize' : op}()`;
    const backing = this.#backing;
    if ('handle' in backing) return runtime().call<R>(backing.handle, op, args, { call, ...options });
    if (options?.timeout === undefined && options?.signal === undefined) {
      try {
        return Promise.resolve(local(backing.state));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return runWithDeadline(call, options, (signal) => local(backing.state, signal));
  }
}

async function runWithDeadline<R>(call: string, options: BlockingOptions, work: (signal: AbortSignal) => R | Promise<R>): Promise<R> {
  using deadline = new Deadline(call, options);
  return await work(deadline.signal);
}

/** The public object of each owned state, so a handle decoded in the owner gives back the owner's own object. */
const owners = new WeakMap<QueueState<unknown>, Queue<unknown>>();

/** @internal The owner's object for a handle of this process, if it still exists. */
export function ownedQueue(handle: Handle): Queue<unknown> | undefined {
  const state = runtime().get(handle.id);
  return state instanceof QueueState ? owners.get(state) : undefined;
}
