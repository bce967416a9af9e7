/**
 * A queue's state, in the process that owns it. Local calls use it directly;
 * other processes reach it through the runtime (`dispatch`).
 *
 * Guarantees, all enforced here in one place:
 * - an item goes to exactly one consumer: to the longest-waiting getter, or to
 *   the buffer; a getter whose wait was cancelled (timeout, abort, its process
 *   died) is skipped, never handed an item;
 * - an item handed to a process that dies before it confirms receipt goes
 *   back to the head of the queue;
 * - JoinableQueue: items a process took and had not marked done when it died
 *   go back to the head (or, with `onConsumerDeath: 'done'`, are counted done
 *   and reported), so `join()` never hangs on a dead consumer.
 *
 * @module
 */
import { ClosedError, ProtocolError, signalOf, type CallContext, type Owned, type Peer, type SignalSource } from '@multiproc/wire';
import { Deque } from './deque.js';
import { EmptyError, FullError, TaskDoneError } from './errors.js';
import type { ConsumerDeathPolicy, LostItems } from './queue-backend.js';

export type { ConsumerDeathPolicy, LostItems };


interface Waiter<V> {
  resolve: (value: V) => void;
  reject: (error: unknown) => void;
  /** Served or cancelled: skip it. */
  done: boolean;
  cleanup: (() => void) | undefined;
}

interface Getter<T> extends Waiter<T> {
  peer: Peer | undefined;
  context: CallContext | undefined;
  /** A getMany() waiter: it gets an array of up to `max` items. */
  many?: boolean;
  max?: number;
}

interface Putter<T> extends Waiter<void> {
  item: T;
}


/** See the module comment. */
export class QueueState<T> implements Owned {
  readonly maxsize: number;
  readonly joinable: boolean;
  readonly #policy: ConsumerDeathPolicy;
  readonly #onLost: ((lost: LostItems<T>) => void) | undefined;
  readonly #items = new Deque<T>();
  readonly #getters = new Deque<Getter<T>>();
  readonly #putters = new Deque<Putter<T>>();
  readonly #joiners = new Set<Waiter<void>>();
  /** JoinableQueue: items each remote consumer took and has not marked done, oldest first. */
  readonly #taken = new Map<Peer, T[]>();
  #unfinished = 0;
  #closed = false;
  /** Cancelled waiters still in the deques, for #sweep. */
  #cancelled = 0;

  constructor(options: { maxsize: number; joinable: boolean; policy?: ConsumerDeathPolicy; onLost?: (lost: LostItems<T>) => void }) {
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

  /** Adds an item, waiting for room when the queue is bounded and full. */
  put(item: T, signal?: SignalSource): void | Promise<void> {
    this.#checkOpen('put()');
    if (!this.#isFull()) return this.#add(item);
    return this.#wait<void>(this.#putters as Deque<Waiter<void>>, signal, { item } as Partial<Putter<T>>);
  }

  /**
   * Adds items in order, waiting for room as `put` does (a producer's puts of one tick, sent
   * together). A consumer waiting in `getMany` then gets as many of them as it asked for, not just
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

  /** Takes the oldest item, waiting for one; after close, throws `ERR_CLOSED` once drained. */
  get(signal?: SignalSource, peer?: Peer, context?: CallContext): T | Promise<T> {
    if (this.#items.length > 0) return this.#take(this.#items.shift()!, peer, context);
    if (this.#closed) throw new ClosedError('Queue.get(): the queue is closed and has no items left.');
    return this.#wait<T>(this.#getters as Deque<Waiter<T>>, signal, { peer, context } as Partial<Getter<T>>);
  }

  /**
   * Takes up to `max` items, waiting for at least one. A remote caller acknowledges them as it
   * uses them (see CallContext.needReceipt's batch): those it never used come back if it dies.
   */
  getMany(max: number, signal?: SignalSource, peer?: Peer, context?: CallContext): T[] | Promise<T[]> {
    if (this.#items.length > 0) {
      const batch: T[] = [];
      while (batch.length < max && this.#items.length > 0) batch.push(this.#take(this.#items.shift()!, peer, undefined));
      this.#batchReceipt(batch, peer, context);
      return batch;
    }
    if (this.#closed) throw new ClosedError('Queue.getMany(): the queue is closed and has no items left.');
    return this.#wait<T[]>(this.#getters as unknown as Deque<Waiter<T[]>>, signal, { peer, context, many: true, max } as Partial<Getter<T>>);
  }

  /** Takes the oldest item at once, or throws `ERR_QUEUE_EMPTY` (`ERR_CLOSED` once closed and drained). */
  getNowait(peer?: Peer, context?: CallContext): T {
    if (this.#items.length > 0) return this.#take(this.#items.shift()!, peer, context);
    if (this.#closed) throw new ClosedError('Queue.getNowait(): the queue is closed and has no items left.');
    throw new EmptyError('Queue.getNowait()');
  }

  /** Closes the queue: puts fail from now on, waiting getters and putters are woken with `ERR_CLOSED`. Items already in it can still be taken. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const error = new ClosedError('Queue: the queue was closed while this call waited.');
    for (let w = this.#getters.shift(); w; w = this.#getters.shift()) this.#settle(w, error);
    for (let w = this.#putters.shift(); w; w = this.#putters.shift()) this.#settle(w, error);
  }

  /** JoinableQueue: marks one taken item done. */
  taskDone(peer?: Peer): void {
    if (this.#unfinished === 0) throw new TaskDoneError();
    this.#unfinished--;
    if (peer) this.#taken.get(peer)?.shift();
    if (this.#unfinished === 0) this.#wakeJoiners();
  }

  /** JoinableQueue: resolves when every item put has been marked done. */
  join(source?: SignalSource): void | Promise<void> {
    if (this.#unfinished === 0) return;
    const signal = signalOf(source);
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter<void> = { resolve, reject, done: false, cleanup: undefined };
      this.#joiners.add(waiter);
      this.#watch(waiter, signal, () => this.#joiners.delete(waiter));
    });
  }

  dispatch(op: string, args: unknown[], context: CallContext): unknown {
    switch (op) {
      case 'put':
        return this.put(args[0] as T, context);
      case 'putMany':
        return this.putMany(args[0] as T[], context);
      case 'putNowait':
        return this.putNowait(args[0] as T);
      case 'get':
        return this.get(context, context.peer, context);
      case 'getNowait':
        return this.getNowait(context.peer, context);
      case 'getMany':
        return this.getMany(args[0] as number, context, context.peer, context);
      case 'size':
        return this.#items.length;
      case 'close':
        return this.close();
      case 'taskDone':
        return this.taskDone(context.peer);
      case 'join':
        return this.join(context);
      default:
        throw new ProtocolError(`Queue: unknown operation '${op}'.`);
    }
  }

  peerClosed(peer: Peer): void {
    const taken = this.#taken.get(peer);
    if (!taken) return;
    this.#taken.delete(peer);
    if (taken.length === 0) return;
    if (this.#policy === 'done') {
      this.#unfinished -= taken.length;
      if (this.#unfinished === 0) this.#wakeJoiners();
      this.#onLost?.({ pid: peer.pid, items: taken });
      return;
    }
    // Back to the head, oldest first, so they are the next to be taken.
    for (let i = taken.length - 1; i >= 0; i--) this.#requeue(taken[i]!);
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

  /** Puts an item back at the head: it was taken by a process that died. */
  #requeue(item: T): void {
    this.#items.unshift(item);
    this.#serveWaiting();
  }

  /** Buffered items go to the getters waiting, oldest getter first (one item each; a getMany waiter up to its max). */
  #serveWaiting(): void {
    while (this.#items.length > 0) {
      const getter = this.#getters.shift();
      if (!getter) return;
      if (getter.done) continue;
      getter.done = true;
      getter.cleanup?.();
      if (getter.many) {
        const batch: T[] = [];
        while (batch.length < getter.max! && this.#items.length > 0) batch.push(this.#take(this.#items.shift()!, getter.peer, undefined));
        this.#batchReceipt(batch, getter.peer, getter.context);
        (getter as unknown as Waiter<T[]>).resolve(batch);
      } else {
        getter.resolve(this.#take(this.#items.shift()!, getter.peer, getter.context));
      }
    }
  }

  #take(item: T, peer: Peer | undefined, context: CallContext | undefined): T {
    if (peer) {
      if (this.joinable) {
        let taken = this.#taken.get(peer);
        if (!taken) this.#taken.set(peer, (taken = []));
        taken.push(item);
      }
      context?.needReceipt(() => this.#lostInFlight(item, peer));
    }
    this.#admitPutter();
    return item;
  }

  /** One receipt for a batch: the items the caller never used go back, last first, so they keep their order at the head. */
  #batchReceipt(batch: T[], peer: Peer | undefined, context: CallContext | undefined): void {
    if (!peer || !context || batch.length === 0) return;
    let used = 0;
    const giveBackRest = () => {
      for (let i = batch.length - 1; i >= used; i--) this.#lostInFlight(batch[i]!, peer);
    };
    context.needReceipt(giveBackRest, {
      acknowledged: (n, giveBack) => {
        used += n;
        if (giveBack) giveBackRest();
        return giveBack || used >= batch.length;
      },
    });
  }

  /** The consumer died with the item on its way: take it off its list and put it back. */
  #lostInFlight(item: T, peer: Peer): void {
    const taken = this.#taken.get(peer);
    if (taken) {
      const at = taken.lastIndexOf(item);
      if (at >= 0) taken.splice(at, 1);
    }
    this.#requeue(item);
  }

  #admitPutter(): void {
    while (!this.#isFull()) {
      const putter = this.#putters.shift();
      if (!putter) return;
      if (putter.done) continue;
      putter.done = true;
      putter.cleanup?.();
      this.#add(putter.item);
      putter.resolve();
    }
  }

  #wait<V>(waiters: Deque<Waiter<V>>, source: SignalSource, extra: object): Promise<V> {
    const signal = signalOf(source);
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<V>((resolve, reject) => {
      const waiter = Object.assign({ resolve, reject, done: false, cleanup: undefined }, extra) as Waiter<V>;
      waiters.push(waiter);
      // A cancelled waiter stays in the deque, marked done, and is skipped when reached;
      // many of them (a consumer polling an empty queue with short timeouts) are swept out.
      this.#watch(waiter, signal, () => {
        if (++this.#cancelled > 64 && this.#cancelled > waiters.length / 2) this.#sweep(waiters);
      });
    });
  }

  #watch<V>(waiter: Waiter<V>, signal: AbortSignal | undefined, onCancel: () => void): void {
    if (!signal) return;
    const onAbort = () => {
      if (waiter.done) return;
      waiter.done = true;
      onCancel();
      waiter.reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    waiter.cleanup = () => signal.removeEventListener('abort', onAbort);
  }

  #sweep<V>(waiters: Deque<Waiter<V>>): void {
    const live: Waiter<V>[] = [];
    for (let w = waiters.shift(); w; w = waiters.shift()) if (!w.done) live.push(w);
    for (const w of live) waiters.push(w);
    this.#cancelled = 0;
  }

  #settle<V>(waiter: Waiter<V>, error: Error): void {
    if (waiter.done) return;
    waiter.done = true;
    waiter.cleanup?.();
    waiter.reject(error);
  }

  #wakeJoiners(): void {
    for (const joiner of this.#joiners) {
      joiner.done = true;
      joiner.cleanup?.();
      joiner.resolve();
    }
    this.#joiners.clear();
  }
}
