/**
 * Puts of one tick, sent together: a producer's `put()`s without a deadline made in one synchronous stretch travel
 * as one script call (one round trip for many items), in order. Each put resolves once its item is in the queue
 * (on a full bounded queue, as room comes), and an item that cannot be encoded fails alone.
 *
 * @module
 */

/**
 * Where the batched items go: `ready()` once it can encode (the queue opened), then it encodes each item and adds the
 * encoded items in order, calling `accepted(n)` as they go in.
 */
export interface PutSink<T> {
  ready(): Promise<void>;
  encode(item: T): Buffer;
  putValues(values: Buffer[], accepted: (count: number) => void): Promise<void>;
}

interface Waiting {
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** See the module comment. */
export class PutBatcher<T> {
  readonly #sink: PutSink<T>;
  #items: T[] = [];
  #waiting: Waiting[] = [];

  constructor(sink: PutSink<T>) {
    this.#sink = sink;
  }

  /** Adds `item` to this tick's batch. */
  put(item: T): Promise<void> {
    if (this.#items.length === 0) queueMicrotask(() => this.flush());
    this.#items.push(item);
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  /** Sends the batch now (before another operation of this process, so it keeps its place). */
  flush(): void {
    if (this.#items.length === 0) return;
    const items = this.#items;
    const waiting = this.#waiting;
    this.#items = [];
    this.#waiting = [];
    // Another operation of this process sent after this flush also waits for ready() first: it stays behind the puts.
    this.#sink.ready().then(
      () => this.#send(items, waiting),
      (error: unknown) => waiting.forEach((w) => w.reject(error)),
    );
  }

  #send(items: T[], waiting: Waiting[]): void {
    const values: Buffer[] = [];
    const sent: Waiting[] = [];
    items.forEach((item, i) => {
      try {
        values.push(this.#sink.encode(item));
        sent.push(waiting[i]!);
      } catch (error) {
        waiting[i]!.reject(error);
      }
    });
    if (values.length === 0) return;
    let done = 0;
    this.#sink
      .putValues(values, (count) => {
        for (const w of sent.slice(done, done + count)) w.resolve();
        done += count;
      })
      .catch((error: unknown) => {
        for (const w of sent.slice(done)) w.reject(error);
      });
  }
}
