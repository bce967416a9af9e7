/**
 * The lazy, bounded iteration behind `imap` / `imapUnordered`: pulls chunks of
 * the input as the consumer goes, keeps at most `buffersize` of them submitted
 * ahead, and hands out results in input order (`ordered`) or as chunks finish.
 * A task's error is thrown when its turn comes; the loop stopping early (or an
 * error) stops pulling the input.
 *
 * A plain iterator rather than an async generator: a generator's `yield`
 * costs several promise hops per item, this one's `next()` one resolved
 * promise while results of a finished chunk are at hand (for trivial items,
 * about half the time per item here).
 *
 * @module
 */
import { InvalidArgumentError } from '@multiproc/wire';
import type { ImapOptions } from './map-tasks.js';

/** A chunk submitted, and where its results will be. */
interface Pending<R> {
  promise: Promise<{ pending: Pending<R>; results: R[] }>;
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

/** See the module comment. */
export class ResultIterator<T, R> implements AsyncIterableIterator<R> {
  readonly #items: Iterable<T> | AsyncIterable<T>;
  readonly #options: ImapOptions;
  readonly #processes: number;
  readonly #ordered: boolean;
  readonly #submit: (chunk: T[]) => Promise<R[]>;
  #source: AsyncIterator<T> | Iterator<T> | undefined;
  #isAsync = false;
  #size = 1;
  #buffer = 1;
  /**
   * Refilled once no more than this many chunks are in flight: half the look-ahead, not one chunk as each finishes.
   * Chunks submitted in one go share a message to each worker (one write, one wake-up); one at a time, each cost a
   * round trip (imap of 1 000 000 no-op items, chunksize 100, 2 workers: 1.0–1.06 M items/s one at a time, 1.15–1.21 M
   * in halves). Never fewer than one chunk per worker (a small `buffersize` would leave workers idle), nor all of them.
   */
  #refillAt = 0;
  readonly #inFlight: Array<Pending<R>> = [];
  /** Results of the last finished chunk, handed out from `#at`. */
  #results: R[] = [];
  #at = 0;
  #exhausted = false;
  #ended = false;
  #done = 0;
  /** A step on its way: next() calls made meanwhile wait for it, in order (as an async generator's do). */
  #busy: Promise<unknown> | undefined;

  constructor(items: Iterable<T> | AsyncIterable<T>, options: ImapOptions, processes: number, ordered: boolean, submit: (chunk: T[]) => Promise<R[]>) {
    this.#items = items;
    this.#options = options;
    this.#processes = processes;
    this.#ordered = ordered;
    this.#submit = submit;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<R>> {
    if (this.#busy) return this.#busy.then(() => this.next(), () => this.next());
    if (this.#at < this.#results.length) return Promise.resolve({ value: this.#results[this.#at++]!, done: false });
    const step = this.#step();
    this.#busy = step;
    const idle = () => {
      if (this.#busy === step) this.#busy = undefined;
    };
    step.then(idle, idle);
    return step;
  }

  /** The loop stopped early: stop pulling input (results still in flight are dropped). */
  async return(): Promise<IteratorResult<R>> {
    await this.#end();
    return DONE;
  }

  /** Waits for the next chunk to finish (refilling the look-ahead), and hands out its first result. */
  async #step(): Promise<IteratorResult<R>> {
    try {
      if (!this.#source) {
        if (this.#ended) return DONE;
        this.#start();
        await this.#fill();
      }
      for (;;) {
        if (this.#ended || this.#inFlight.length === 0) {
          this.#ended = true;
          return DONE;
        }
        const { pending, results } = this.#ordered ? await this.#inFlight[0]!.promise : await Promise.race(this.#inFlight.map((p) => p.promise));
        if (this.#ended) return DONE;
        this.#inFlight.splice(this.#inFlight.indexOf(pending), 1);
        this.#done += results.length;
        this.#options.onProgress?.(this.#done, -1);
        if (this.#inFlight.length <= this.#refillAt) await this.#fill();
        if (results.length === 0) continue;
        this.#results = results;
        this.#at = 1;
        return { value: results[0]!, done: false };
      }
    } catch (error) {
      await this.#end();
      throw error;
    }
  }

  #start(): void {
    const size = this.#options.chunksize ?? 1;
    const buffer = this.#options.buffersize ?? this.#processes * 8;
    if (!Number.isInteger(size) || size < 1) throw new InvalidArgumentError(`Pool.imap(): chunksize must be a whole number ≥ 1, got ${String(size)}.`);
    if (!Number.isInteger(buffer) || buffer < 1) throw new InvalidArgumentError(`Pool.imap(): buffersize must be a whole number ≥ 1, got ${String(buffer)}.`);
    this.#size = size;
    this.#buffer = buffer;
    this.#refillAt = Math.max(buffer >> 1, Math.min(this.#processes, buffer - 1));
    const items = this.#items;
    this.#isAsync = Symbol.asyncIterator in items;
    this.#source = this.#isAsync ? (items as AsyncIterable<T>)[Symbol.asyncIterator]() : (items as Iterable<T>)[Symbol.iterator]();
  }

  /** Submits chunks until `buffersize` are in flight or the input is exhausted. */
  async #fill(): Promise<void> {
    const source = this.#source!;
    while (!this.#exhausted && !this.#ended && this.#inFlight.length < this.#buffer) {
      const chunk: T[] = [];
      let failed: { error: unknown } | undefined;
      while (chunk.length < this.#size) {
        let next: IteratorResult<T>;
        try {
          // A sync source is read without an await per item (a microtask each, a million of them for a million items).
          next = this.#isAsync ? await (source as AsyncIterator<T>).next() : (source as Iterator<T>).next();
        } catch (error) {
          failed = { error };
          next = DONE;
        }
        if (next.done) {
          this.#exhausted = true;
          break;
        }
        chunk.push(next.value);
      }
      if (chunk.length > 0) {
        const pending = {} as Pending<R>;
        pending.promise = this.#submit(chunk).then((results) => ({ pending, results }));
        this.#track(pending);
      }
      // The input threw (as Python's imap): the results of the items before come first, then its error.
      if (failed) this.#fail(failed.error);
      if (chunk.length === 0) break;
    }
  }

  /** Keeps `pending` in flight; a rejection is raised where it is awaited, and until then must not count as unhandled. */
  #track(pending: Pending<R>): void {
    pending.promise.catch(() => {});
    this.#inFlight.push(pending);
  }

  /** Ends the results with `error`, once every chunk submitted before has finished. */
  #fail(error: unknown): void {
    const pending = {} as Pending<R>;
    pending.promise = Promise.allSettled(this.#inFlight.map((before) => before.promise)).then(() => Promise.reject(error));
    this.#track(pending);
  }

  /** No more results; the input is let go if it was not read to its end. */
  async #end(): Promise<void> {
    this.#ended = true;
    this.#results = [];
    this.#at = 0;
    this.#inFlight.length = 0;
    if (this.#exhausted || !this.#source) return;
    this.#exhausted = true;
    await (this.#source as AsyncIterator<T>).return?.();
  }
}
