/**
 * The seam between the queue classes and where a queue's items live.
 *
 * `Queue`, `JoinableQueue` and `SimpleQueue` are facades: they check arguments
 * and call a {@link QueueBackend}. Two backends ship: the owner's (`local/`:
 * the process that created the queue holds its items) and its proxy
 * (`remote/`: any other process calls the owner through the runtime). Another
 * backend (Redis) implements the same interface and passes the same contract
 * suite (`test/contract/queue.contract.ts`).
 *
 * The promises every backend keeps:
 * - FIFO: items come out in the order they went in (per producer, across producers as the backend saw them arrive).
 * - An item is delivered to exactly one taker, and counts as delivered when the taker acknowledges it
 *   ({@link Taken.ack}), which the facades do before the user's code sees the item. Items taken and not
 *   acknowledged when the taker dies (or calls {@link Taken.release}) go back to the head of the queue, in order.
 * - A cancelled wait (timeout, abort, the caller's death) takes nothing and adds nothing.
 * - JoinableQueue: every item put counts as unfinished until `taskDone()` (from any process); the unfinished items
 *   of a consumer that dies go back to the head (`'requeue'`) or count as done and are reported (`'done'`).
 * - After `close()`, puts fail with `ERR_CLOSED`, waiting calls wake with it, and the items left can still be taken.
 *
 * Every operation is asynchronous; a backend rejects with the coded errors named on each method.
 *
 * @module
 */
import type { BackendCapabilities, BlockingOptions, ObjectRef } from '@multiproc/wire';

/** What a JoinableQueue does with the unfinished items of a consumer that died. */
export type ConsumerDeathPolicy = 'requeue' | 'done';

/** Items lost with a consumer that died, reported under the `'done'` policy. */
export interface LostItems<T> {
  /** The consumer process that died. */
  pid: number;
  /** The items it had taken and not marked done. */
  items: T[];
}

/** What a queue is created with. The backend stores it: every process that opens the queue sees the same. */
export interface QueueSpec<T> {
  /** A name other processes can open it by, for backends that have names (the local backend has none). */
  readonly name?: string | undefined;
  /** Most items it holds; 0: unbounded. */
  readonly maxsize: number;
  /** A JoinableQueue: takers mark items done with `taskDone()`, and `join()` waits until all are. */
  readonly joinable: boolean;
  /** JoinableQueue: what happens to a dead consumer's unfinished items. @default 'requeue' */
  readonly onConsumerDeath?: ConsumerDeathPolicy | undefined;
  /**
   * JoinableQueue under `'done'`: told which items a dead consumer took and never finished. Runs in the creating
   * process, where the backend can (`BackendCapabilities.creatorCallbacks`). (A method, so that a `Queue<string>` is a
   * `Queue<unknown>`.)
   */
  onLostItems?(lost: LostItems<T>): void;
}

/**
 * Items a taker got, with their receipt. The backend holds them for the taker until they are acknowledged: items
 * never acknowledged go back to the head of the queue if the taker dies, or when it calls `release()`.
 */
export interface Taken<T> {
  /** At least one item, oldest first. */
  readonly items: readonly T[];
  /**
   * The next `n` items (in order) are delivered: they never go back. Call it before the user's code sees them,
   * synchronously: a backend makes the acknowledgement durable (written where it survives this process's death)
   * before `ack` returns, so an item the user's code has seen is never handed out again.
   */
  ack(n: number): void;
  /** The items not acknowledged go back to the head of the queue now, in order (a loop that stopped early). */
  release(): void;
}

/** Options of {@link QueueBackend.take}. */
export interface TakeOptions extends BlockingOptions {
  /** false: take what is there now, or reject with `ERR_QUEUE_EMPTY`; never wait. */
  readonly wait: boolean;
  /** The public call, for error messages, e.g. `"Queue.get()"`. */
  readonly call: string;
}

/** Options of a put. */
export interface PutOptions extends BlockingOptions {
  /** The public call, for error messages, e.g. `"Queue.put()"`. */
  readonly call: string;
}

/** How many calls wait on a queue now: for tests that must know a call reached the backend (not a public API). */
export interface QueueWaiters {
  /** `get()`s (and `getMany()`s, iterations) waiting for an item. */
  readonly getters: number;
  /** `put()`s waiting for room. */
  readonly putters: number;
  /** `join()`s waiting. */
  readonly joiners: number;
}

/** A queue's items and their rules, wherever they live. See the module comment for the promises. */
export interface QueueBackend<T> {
  /** What this backend can do. */
  readonly capabilities: BackendCapabilities;
  /** What the queue was created with. */
  readonly spec: QueueSpec<T>;
  /** True in the process that holds the items (the local backend's owner): there, `take` needs no receipt. */
  readonly isOwner: boolean;
  /** How the queue travels to another process (see `ObjectRef`). */
  ref(): ObjectRef;
  /**
   * Adds an item at the tail, waiting for room while a bounded queue is full. Resolves once the backend holds it:
   * a producer may exit right after.
   *
   * @throws {ClosedError} `ERR_CLOSED`. @throws `ERR_TIMEOUT` / `ERR_ABORTED`: the item was not added.
   * @throws {EncodeError} `ERR_ENCODE` / `ERR_FRAME_TOO_LARGE` when the item cannot be stored or sent (nothing added).
   */
  put(item: T, options: PutOptions): Promise<void>;
  /** Adds items in order, as `put` does each (one round trip for many). Rejects with the first failure; items before it are added. */
  putMany(items: T[], options: PutOptions): Promise<void>;
  /** Adds an item if there is room now, else rejects with `ERR_QUEUE_FULL`. */
  putNowait(item: T, call: string): Promise<void>;
  /**
   * Takes up to `max` items (at least one), oldest first, waiting for one unless `wait` is false. The items are
   * the taker's until acknowledged (see {@link Taken}).
   *
   * @throws {ClosedError} `ERR_CLOSED` when the queue is closed and drained.
   * @throws `ERR_QUEUE_EMPTY` (`wait: false`), `ERR_TIMEOUT`, `ERR_ABORTED`: nothing was taken.
   * @throws `ERR_ENCODE` / `ERR_FRAME_TOO_LARGE` when the items cannot reach the taker: they stay at the head.
   */
  take(max: number, options: TakeOptions): Promise<Taken<T>>;
  /** The number of items in the queue (a snapshot; items taken and not yet acknowledged are not counted). */
  size(): Promise<number>;
  /** Closes the queue for every process (see the module comment). Closing twice is a no-op. */
  close(): Promise<void>;
  /**
   * JoinableQueue: marks one item done, from any process.
   *
   * @throws {TaskDoneError} `ERR_TASK_DONE_TOO_MANY` when no item is unfinished.
   */
  taskDone(): Promise<void>;
  /** JoinableQueue: resolves when every item put has been marked done. @throws `ERR_TIMEOUT` / `ERR_ABORTED`. */
  join(options: BlockingOptions & { readonly call: string }): Promise<void>;
  /** How many calls wait now (for tests). */
  waiters(): Promise<QueueWaiters>;
}

/**
 * A backend's queue factory. The process-local one makes queues this process owns; another backend (Redis) makes
 * queues it stores, by name.
 */
export interface QueueBackendProvider {
  /** The kind of backend, as in its references (`ObjectRef.backend`). */
  readonly kind: string;
  /** Creates a queue (or, for a named queue, opens it and checks `spec` against what is stored: a mismatch rejects its first call). */
  createQueue<T>(spec: QueueSpec<T>): QueueBackend<T>;
  /** Opens a queue another process passed here as `ref`. */
  openQueue<T>(ref: ObjectRef, spec: QueueSpec<T>): QueueBackend<T>;
}
