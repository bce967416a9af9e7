/**
 * `for await (const item of queue)`: takes items until the queue is closed and drained.
 *
 * In another process than the owner it fetches several items per round trip,
 * as many as the loop gets through in about BATCH_TARGET_MS (by how fast it
 * used the last batch: from 1 for slow work up to MAX_BATCH for trivial
 * items), so a fast consumer pays few round trips and a slow one does not hoard
 * items other consumers could take. An item counts as taken only when the loop
 * reaches it: its acknowledgement is written before `next()` hands it over, so
 * an item the loop's body saw is never handed out again, and items fetched
 * ahead go back to the queue if the loop stops early or the process dies.
 *
 * A plain iterator rather than an async generator: a generator's `yield` costs
 * several promise hops per item, this one's `next()` one resolved promise (for
 * trivial items, about half the time per item here).
 *
 * @module
 */
import { isUnsendable } from '@multiproc/wire';
import type { Taken } from './queue-backend.js';

/** The iterator's first request; later ones are sized by how fast the loop goes. */
const FIRST_BATCH = 16;
/** It asks for about this much work at once. */
const BATCH_TARGET_MS = 2;
/** Its largest request. */
const MAX_BATCH = 1024;
/** After a request refused as too large (its items more than one message may hold), the cap it set doubles once this many batches in a row came without one. */
const CAP_GROWS_AFTER = 16;

/** Where the items come from: the queue's backend. */
export interface ItemSource<T> {
  /** Up to `ask` items, at least one; rejects with `ERR_CLOSED` once the queue is closed and drained. */
  take(ask: number): Promise<Taken<T>>;
}

/** See the module comment. */
export class QueueIterator<T> implements AsyncIterator<T> {
  readonly #source: ItemSource<T>;
  #taken: Taken<T> | undefined;
  #items: readonly T[] = [];
  /** Items of `#items` handed to the loop. */
  #used = 0;
  #ask = FIRST_BATCH;
  /** The most it asks for: MAX_BATCH, or less after a request was refused as too large (see CAP_GROWS_AFTER). */
  #cap = MAX_BATCH;
  /** Batches fetched since the last refusal. */
  #fetchedSinceRefusal = 0;
  /** When the current batch arrived. */
  #since = 0;
  #ended = false;

  constructor(source: ItemSource<T>) {
    this.#source = source;
  }

  /** A fetch on its way: next() calls made meanwhile wait for it, in order (as an async generator's do). */
  #busy: Promise<unknown> | undefined;

  next(): Promise<IteratorResult<T>> {
    if (this.#busy) return this.#busy.then(() => this.next(), () => this.next());
    if (this.#used < this.#items.length) return Promise.resolve({ value: this.#hand(), done: false });
    const fetching = this.#fetch();
    this.#busy = fetching;
    const idle = () => {
      if (this.#busy === fetching) this.#busy = undefined;
    };
    fetching.then(idle, idle);
    return fetching;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** The loop stopped early (`break`, a throw): the items fetched ahead go back. */
  return(): Promise<IteratorResult<T>> {
    this.#end();
    return Promise.resolve({ value: undefined, done: true });
  }

  /** The next item, acknowledged (delivered) before the loop's body can see it. */
  #hand(): T {
    const item = this.#items[this.#used++]!;
    this.#taken!.ack(1);
    return item;
  }

  async #fetch(): Promise<IteratorResult<T>> {
    if (this.#ended) return { value: undefined, done: true };
    if (this.#items.length > 0) {
      const perItem = (performance.now() - this.#since) / this.#items.length;
      this.#ask = Math.max(1, Math.min(this.#cap, Math.floor(BATCH_TARGET_MS / Math.max(perItem, 1e-3))));
    }
    let batch: Taken<T>;
    for (;;) {
      try {
        batch = await this.#source.take(this.#ask);
        break;
      } catch (error) {
        const code = (error as { code?: string }).code;
        // The items asked for are more than one message may hold (large items), or more than the encoder can hold
        // (ERR_ENCODE, past 4 GiB; or one item that cannot be sent at all, found as the requests shrink to it): they
        // stayed in the queue. Ask for half as many, and no more than that for a while (each refusal cost the owner an encode).
        if (isUnsendable(error) && this.#ask > 1 && !this.#ended) {
          this.#ask = this.#cap = Math.ceil(this.#ask / 2);
          this.#fetchedSinceRefusal = 0;
          continue;
        }
        this.#ended = true;
        if (code === 'ERR_CLOSED') return { value: undefined, done: true };
        throw error;
      }
    }
    if (this.#ended) {
      // return() came while this batch was on its way: it goes back.
      batch.release();
      return { value: undefined, done: true };
    }
    if (this.#cap < MAX_BATCH && ++this.#fetchedSinceRefusal >= CAP_GROWS_AFTER) {
      this.#cap = Math.min(MAX_BATCH, this.#cap * 2);
      this.#fetchedSinceRefusal = 0;
    }
    this.#taken = batch;
    this.#items = batch.items;
    this.#used = 0;
    this.#since = performance.now();
    return { value: this.#hand(), done: false };
  }

  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    if (this.#used < this.#items.length) this.#taken?.release();
    this.#taken = undefined;
    this.#items = [];
    this.#used = 0;
  }
}
