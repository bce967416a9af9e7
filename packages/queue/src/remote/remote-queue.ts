/**
 * The proxy's queue backend: every call goes to the owner through the
 * runtime, from the table in queue-ops.ts.
 *
 * Puts of one tick without a deadline of their own travel as one `putMany`,
 * and every other call first sends the puts gathered before it, so a
 * producer's calls reach the owner in the order it made them. Items taken are
 * acknowledged by the facade as its user's code reaches them; each
 * acknowledgement is written before the user's code runs (see Peer.callBatch).
 *
 * @module
 */
import {
  isUnsendable,
  LOCAL_CAPABILITIES,
  opClient,
  type BackendCapabilities,
  type BlockingOptions,
  type Handle,
  type LocalRef,
  type ObjectRef,
  type OpClient,
} from '@multiproc/wire';
import type { PutOptions, QueueBackend, QueueSpec, QueueWaiters, Taken, TakeOptions } from '../queue-backend.js';
import { QUEUE_OPS, type QueueCalls } from '../queue-ops.js';

interface PendingPuts<T> {
  items: T[];
  settle: Array<{ resolve: () => void; reject: (error: unknown) => void }>;
  call: string;
}

/** See the module comment. */
export class RemoteQueue<T> implements QueueBackend<T> {
  readonly capabilities: BackendCapabilities = LOCAL_CAPABILITIES;
  readonly spec: QueueSpec<T>;
  readonly isOwner = false;
  readonly #ref: LocalRef;
  readonly #owner: OpClient<QueueCalls<T>, typeof QUEUE_OPS>;
  /** Puts made in this tick, sent together. */
  #puts: PendingPuts<T> | undefined;

  constructor(ref: LocalRef, spec: QueueSpec<T>) {
    this.#ref = ref;
    this.spec = spec;
    this.#owner = opClient<QueueCalls<T>, typeof QUEUE_OPS>(QUEUE_OPS, ref.handle);
  }

  /** The owner's handle. */
  get handle(): Handle {
    return this.#ref.handle;
  }

  ref(): ObjectRef {
    return this.#ref;
  }

  put(item: T, options: PutOptions): Promise<void> {
    if (options.timeout === undefined && options.signal === undefined) return this.#gather(item, options.call);
    this.#flushPuts();
    return this.#owner.put([item], options);
  }

  putMany(items: T[], options: PutOptions): Promise<void> {
    this.#flushPuts();
    return this.#owner.putMany([items], options);
  }

  putNowait(item: T, call: string): Promise<void> {
    this.#flushPuts();
    return this.#owner.putNowait([item], { call });
  }

  async take(max: number, options: TakeOptions): Promise<Taken<T>> {
    this.#flushPuts();
    const batch = await this.#owner.take([max, options.wait], options);
    return { items: batch.value, ack: (n) => batch.acknowledge(n), release: () => batch.acknowledge(0, true) };
  }

  size(): Promise<number> {
    this.#flushPuts();
    return this.#owner.size([], { call: 'Queue.qsize()' });
  }

  close(): Promise<void> {
    this.#flushPuts();
    return this.#owner.close([], { call: 'Queue.close()' });
  }

  taskDone(): Promise<void> {
    this.#flushPuts();
    return this.#owner.taskDone([], { call: 'JoinableQueue.taskDone()' });
  }

  join(options: BlockingOptions & { readonly call: string }): Promise<void> {
    this.#flushPuts();
    return this.#owner.join([], options);
  }

  waiters(): Promise<QueueWaiters> {
    return this.#owner.waiters([], { call: 'Queue waiters' });
  }

  #gather(item: T, call: string): Promise<void> {
    let puts = this.#puts;
    if (!puts) {
      puts = this.#puts = { items: [], settle: [], call };
      queueMicrotask(() => this.#flushPuts());
    }
    const batch = puts;
    return new Promise<void>((resolve, reject) => {
      batch.items.push(item);
      batch.settle.push({ resolve, reject });
    });
  }

  /**
   * Sends the gathered puts: one `putMany`, or each alone when one of them cannot be encoded or all of them are more
   * than one message may hold (`ERR_FRAME_TOO_LARGE`: the owner would have closed the connection on it).
   */
  #flushPuts(): void {
    const batch = this.#puts;
    if (!batch) return;
    this.#puts = undefined;
    const { call } = batch;
    const sendEach = () =>
      batch.items.forEach((item, i) => {
        this.#owner.put([item], { call }).then(batch.settle[i]!.resolve, batch.settle[i]!.reject);
      });
    if (batch.items.length === 1) return sendEach();
    let fellBack = false;
    // Refused at once (not sent): each put goes alone, now, ahead of anything this producer sends after these puts.
    const onNotSent = (error: unknown) => {
      if (!isUnsendable(error)) return;
      fellBack = true;
      sendEach();
    };
    this.#owner.putMany([batch.items], { call, onNotSent }).then(
      () => batch.settle.forEach((s) => s.resolve()),
      (error: unknown) => {
        if (!fellBack) batch.settle.forEach((s) => s.reject(error));
      },
    );
  }
}
