/**
 * A set of waiters that can each be cancelled by a signal, the building block of Event, Condition and Barrier.
 *
 * @module
 */

/** One waiter. */
export interface Waiter<V> {
  resolve: (value: V) => void;
  reject: (error: unknown) => void;
  /** Settled or cancelled. */
  done: boolean;
}

/** Waiters in arrival order. */
export class Waiters<V, Extra extends object = object> {
  readonly #waiting = new Set<Waiter<V> & Extra>();

  /** Number waiting. */
  get size(): number {
    return this.#waiting.size;
  }

  /** Waits until woken, or rejects with `signal.reason` (then `onCancel` runs first). */
  wait(extra: Extra, signal?: AbortSignal, onCancel?: (waiter: Waiter<V> & Extra) => void): Promise<V> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<V>((resolve, reject) => {
      const waiter = Object.assign({ done: false, resolve, reject }, extra) as Waiter<V> & Extra;
      const onAbort = () => {
        if (waiter.done) return;
        waiter.done = true;
        this.#waiting.delete(waiter);
        onCancel?.(waiter);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      waiter.resolve = (value) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(value);
      };
      waiter.reject = (error) => {
        signal?.removeEventListener('abort', onAbort);
        reject(error);
      };
      this.#waiting.add(waiter);
    });
  }

  /** Wakes up to `n` waiters (oldest first) with `value`; returns how many. */
  wake(value: V, n = Infinity): number {
    let woken = 0;
    for (const waiter of this.#waiting) {
      if (woken >= n) break;
      this.#waiting.delete(waiter);
      waiter.done = true;
      waiter.resolve(value);
      woken++;
    }
    return woken;
  }

  /** Wakes, with `value`, every waiter `predicate` picks; returns how many. */
  wakeWhere(predicate: (waiter: Waiter<V> & Extra) => boolean, value: V): number {
    let woken = 0;
    for (const waiter of this.#waiting) {
      if (!predicate(waiter)) continue;
      this.#waiting.delete(waiter);
      waiter.done = true;
      waiter.resolve(value);
      woken++;
    }
    return woken;
  }

  /** Rejects every waiter with `error`. */
  fail(error: Error): void {
    for (const waiter of this.#waiting) {
      waiter.done = true;
      waiter.reject(error);
    }
    this.#waiting.clear();
  }

  /** The waiters, oldest first. */
  [Symbol.iterator](): IterableIterator<Waiter<V> & Extra> {
    return this.#waiting.values();
  }
}
