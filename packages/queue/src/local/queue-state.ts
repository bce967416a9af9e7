/**
 * A queue's state, in the process that owns it: its items, the calls waiting
 * on it, and what each taker holds. The owner's own calls use it directly
 * (local-queue.ts); other processes reach it through the runtime
 * (queue-service.ts).
 *
 * Guarantees, all enforced here in one place:
 * - an item goes to exactly one taker: to the longest-waiting getter, or to
 *   the buffer; a getter whose wait was cancelled (timeout, abort, its process
 *   died) is skipped, never handed an item;
 * - items handed to another process stay its own until it acknowledges them
 *   (one receipt per batch, counting the items its code reached): those it
 *   never acknowledged go back to the head of the queue, in order, if it dies
 *   or gives them back;
 * - an item that cannot be sent at all (it cannot be encoded, or is more than
 *   one message may hold) is removed when a taker in another process reaches
 *   it, and that taker is told: no single item blocks a queue;
 * - JoinableQueue: items taken and not yet marked done are kept per taker (see
 *   taken-items.ts); a dead consumer's go back to the head (or, with
 *   `onConsumerDeath: 'done'`, are counted done and reported), so `join()`
 *   never hangs on a dead consumer.
 *
 * @module
 */
import { ClosedError, EncodeError, isUnsendable, signalOf, type CallContext, type Owned, type Peer, type SignalSource } from '@multiproc/wire';
import { EmptyError, FullError, TaskDoneError } from '../errors.js';
import type { ConsumerDeathPolicy, LostItems, QueueWaiters } from '../queue-backend.js';
import { Deque } from './deque.js';
import { QUEUE_SERVICE } from './queue-service.js';
import { OWNER, TakenItems, type Taker } from './taken-items.js';
import { WaitingLine, type Waiter } from './waiting-line.js';

export type { ConsumerDeathPolicy, LostItems };

interface Getter<T> extends Waiter<T[]> {
  max: number;
  peer: Peer | undefined;
  context: CallContext | undefined;
}

interface Putter<T> extends Waiter<void> {
  item: T;
}

/** What a queue's state is made with. */
export interface QueueStateOptions<T> {
  maxsize: number;
  joinable: boolean;
  policy?: ConsumerDeathPolicy | undefined;
  onLost?: ((lost: LostItems<T>) => void) | undefined;
}

/** See the module comment. */
export class QueueState<T> implements Owned {
  readonly maxsize: number;
  readonly joinable: boolean;
  readonly #policy: ConsumerDeathPolicy;
  readonly #onLost: ((lost: LostItems<T>) => void) | undefined;
  readonly #items = new Deque<T>();
  readonly #getters = new WaitingLine<Getter<T>>();
  readonly #putters = new WaitingLine<Putter<T>>();
  readonly #joiners = new Set<Waiter<void>>();
  /** JoinableQueue: the items each taker took and has not marked done. */
  readonly #taken = new TakenItems<T>();
  #unfinished = 0;
  #closed = false;

  constructor(options: QueueStateOptions<T>) {
    this.maxsize = options.maxsize;
    this.joinable = options.joinable;
    this.#policy = options.policy ?? 'requeue';
    this.#onLost = options.onLost;
  }

  /** Items buffered (not counting items handed to getters). */
  get size(): number {
    return this.#items.length;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Calls waiting now. */
  get waiters(): QueueWaiters {
    return { getters: this.#getters.live, putters: this.#putters.live, joiners: this.#joiners.size };
  }

  /** Adds an item, waiting for room when the queue is bounded and full. */
  put(item: T, signal?: SignalSource): void | Promise<void> {
    this.#checkOpen('put()');
    if (!this.#isFull()) return this.#add(item);
    return this.#putters.wait<void>(signal, { item });
  }

  /**
   * Adds items in order, waiting for room as `put` does (a producer's puts of one tick, sent
   * together). A consumer waiting in `take` then gets as many of them as it asked for, not just
   * the first: one reply instead of one for the first item and another round trip for the rest.
   */
  putMany(items: T[], signal?: SignalSource): void | Promise<void> {
    for (let i = 0; i < items.length; i++) {
      if (this.#isFull()) this.#serveWaiting();
      if (this.#isFull()) {
        const waiting = this.put(items[i]!, signal);
        if (waiting) return waiting.then(() => this.putMany(items.slice(i + 1), signal));
        continue;
      }
      this.#checkOpen('put()');
      if (this.joinable) this.#unfinished++;
      this.#items.push(items[i]!);
    }
    this.#serveWaiting();
  }

  /** Adds an item at once, or throws `ERR_QUEUE_FULL`. */
  putNowait(item: T): void {
    this.#checkOpen('putNowait()');
    if (this.#isFull()) throw new FullError('Queue.putNowait()', this.maxsize);
    this.#add(item);
  }

  /**
   * Takes up to `max` items, waiting for one unless `wait` is false; after close, throws `ERR_CLOSED` once drained.
   * A taker in another process (`peer`) acknowledges them as its code reaches them (see CallContext.needReceipt):
   * those it never acknowledged come back if it dies.
   */
  take(max: number, wait: boolean, signal?: SignalSource, peer?: Peer, context?: CallContext): T[] | Promise<T[]> {
    if (this.#items.length > 0) return this.#takeNow(max, peer, context);
    if (this.#closed) throw new ClosedError('Queue.get(): the queue is closed and has no items left.');
    if (!wait) throw new EmptyError('Queue.getNowait()');
    return this.#getters.wait<T[]>(signal, { max, peer, context });
  }

  /** Closes the queue: puts fail from now on, waiting getters and putters are woken with `ERR_CLOSED`. Items already in it can still be taken. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const error = new ClosedError('Queue: the queue was closed while this call waited.');
    this.#getters.failAll(error);
    this.#putters.failAll(error);
  }

  /** JoinableQueue: marks one taken item done (`taker`: who says so). */
  taskDone(taker: Taker = OWNER): void {
    if (this.#unfinished === 0) throw new TaskDoneError();
    this.#unfinished--;
    this.#taken.done(taker);
    if (this.#unfinished === 0) this.#wakeJoiners();
  }

  /** JoinableQueue: resolves when every item put has been marked done. */
  join(source?: SignalSource): void | Promise<void> {
    if (this.#unfinished === 0) return;
    const signal = signalOf(source);
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter<void> = { resolve, reject, done: false, cleanup: undefined };
      this.#joiners.add(waiter);
      if (!signal) return;
      const onAbort = () => {
        this.#joiners.delete(waiter);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      waiter.cleanup = () => signal.removeEventListener('abort', onAbort);
    });
  }

  /** The owner gives back items it took and did not use (a loop that stopped early): to the head, in order. */
  giveBack(items: readonly T[]): void {
    this.#requeue(OWNER, items, 0);
  }

  dispatch(op: string, args: unknown[], context: CallContext): unknown {
    return QUEUE_SERVICE.dispatch(this as QueueState<unknown>, op, args, context);
  }

  peerClosed(peer: Peer): void {
    const taken = this.#taken.forget(peer);
    if (taken.length === 0) return;
    if (this.#policy === 'done') {
      this.#unfinished -= taken.length;
      if (this.#unfinished === 0) this.#wakeJoiners();
      this.#onLost?.({ pid: peer.pid, items: taken });
      return;
    }
    // Back to the head, oldest first, so they are the next to be taken.
    for (let i = taken.length - 1; i >= 0; i--) this.#items.unshift(taken[i]!);
    this.#serveWaiting();
  }

  #isFull(): boolean {
    return this.maxsize > 0 && this.#items.length >= this.maxsize;
  }

  #checkOpen(call: string): void {
    if (this.#closed) throw new ClosedError(`Queue.${call}: the queue is closed.`);
  }

  #add(item: T): void {
    if (this.joinable) this.#unfinished++;
    this.#items.push(item);
    this.#serveWaiting();
  }

  /** Buffered items go to the getters waiting, oldest getter first, each up to its max. */
  #serveWaiting(): void {
    while (this.#items.length > 0) {
      const getter = this.#getters.next();
      if (!getter) return;
      getter.resolve(this.#takeNow(getter.max, getter.peer, getter.context));
    }
  }

  /** Takes up to `max` buffered items (there is at least one) for a taker; a remote one owes a receipt. */
  #takeNow(max: number, peer: Peer | undefined, context: CallContext | undefined): T[] {
    const batch: T[] = [];
    // Each item taken makes room for a waiting put, whose item this batch may take too.
    while (batch.length < max && this.#items.length > 0) {
      batch.push(this.#items.shift()!);
      this.#admitPutters();
    }
    if (this.joinable) this.#taken.add(peer ?? OWNER, batch);
    if (peer && context) this.#owesReceipt(batch, peer, context);
    return batch;
  }

  /**
   * The taker acknowledges the items as its code reaches them; the rest go back (last first, so they keep their
   * order at the head) when it gives them back, dies, or the reply cannot be sent to it. A reply of one item that
   * cannot be sent at all is that item's fault: it is removed, and the taker told so.
   */
  #owesReceipt(batch: T[], peer: Peer, context: CallContext): void {
    let used = 0;
    const giveBackRest = () => this.#requeue(peer, batch, used);
    const lost = (error?: unknown) => {
      if (batch.length !== 1 || !isUnsendable(error)) return giveBackRest();
      this.#taken.remove(peer, batch[0]!);
      if (this.joinable && --this.#unfinished === 0) this.#wakeJoiners();
      return new EncodeError(
        `Queue.get(): the item at the head of the queue cannot be sent to process ${peer.pid}, so it was removed from the queue ` +
          `(${(error as Error).message}). Put only values that can be sent to other processes.`,
        { cause: error },
      );
    };
    context.needReceipt(lost, {
      acknowledged: (n, giveBack) => {
        used += n;
        if (giveBack) giveBackRest();
        return giveBack || used >= batch.length;
      },
    });
  }

  /** `taker` gives back `batch[from…]`, not used: to the head, last first, so they keep their order. */
  #requeue(taker: Taker, batch: readonly T[], from: number): void {
    for (let i = batch.length - 1; i >= from; i--) {
      this.#taken.remove(taker, batch[i]!);
      this.#items.unshift(batch[i]!);
    }
    this.#serveWaiting();
  }

  #admitPutters(): void {
    while (!this.#isFull()) {
      const putter = this.#putters.next();
      if (!putter) return;
      this.#add(putter.item);
      putter.resolve();
    }
  }

  #wakeJoiners(): void {
    for (const joiner of this.#joiners) {
      joiner.cleanup?.();
      joiner.resolve();
    }
    this.#joiners.clear();
  }
}
