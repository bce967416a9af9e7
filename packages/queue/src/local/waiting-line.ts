/**
 * A FIFO of waiting calls (getters, putters), each cancellable by its signal.
 *
 * A cancelled waiter stays in line, marked done, and is skipped when reached;
 * many of them (a consumer polling an empty queue with short timeouts) are
 * swept out, so the line never grows with abandoned calls.
 *
 * @module
 */
import { signalOf, type SignalSource } from '@multiproc/wire';
import { Deque } from './deque.js';

/** One waiting call. */
export interface Waiter<V> {
  resolve: (value: V) => void;
  reject: (error: unknown) => void;
  /** Served or cancelled: skip it. */
  done: boolean;
  /** Removes its abort listener. */
  cleanup: (() => void) | undefined;
}

/** Cancelled waiters tolerated in a line before a sweep (and at least half of it). */
const SWEEP_ABOVE = 64;

/** See the module comment. */
export class WaitingLine<W extends Waiter<never>> {
  readonly #line = new Deque<W>();
  #cancelled = 0;

  /** Waiters in line that were neither served nor cancelled (counts the line: for tests and observation only). */
  get live(): number {
    return this.#line.length - this.#cancelled;
  }

  /** Queues `waiter` (fields besides the promise's), resolving with what `serve` gives it; rejects with the signal's reason. */
  wait<V>(source: SignalSource, fields: Omit<W, keyof Waiter<V>>): Promise<V> {
    const signal = signalOf(source);
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<V>((resolve, reject) => {
      const waiter = Object.assign({ resolve, reject, done: false, cleanup: undefined }, fields) as unknown as W;
      this.#line.push(waiter);
      if (!signal) return;
      const onAbort = () => {
        if (waiter.done) return;
        waiter.done = true;
        if (++this.#cancelled > SWEEP_ABOVE && this.#cancelled > this.#line.length / 2) this.#sweep();
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      waiter.cleanup = () => signal.removeEventListener('abort', onAbort);
    });
  }

  /** The longest-waiting live waiter, taken out of line and marked done (its listener removed); undefined if none. */
  next(): W | undefined {
    for (let waiter = this.#line.shift(); waiter; waiter = this.#line.shift()) {
      if (waiter.done) {
        this.#cancelled--;
        continue;
      }
      waiter.done = true;
      waiter.cleanup?.();
      return waiter;
    }
    return undefined;
  }

  /** Rejects every live waiter with `error` and empties the line. */
  failAll(error: Error): void {
    for (let waiter = this.next(); waiter; waiter = this.next()) waiter.reject(error);
    this.#cancelled = 0;
  }

  #sweep(): void {
    const live: W[] = [];
    for (let w = this.#line.shift(); w; w = this.#line.shift()) if (!w.done) live.push(w);
    for (const w of live) this.#line.push(w);
    this.#cancelled = 0;
  }
}
