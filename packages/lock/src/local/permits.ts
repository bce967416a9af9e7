/**
 * A counter of permits handed over first come, first served, each waiter
 * cancellable by its signal.
 *
 * A release hands its permit to the longest-waiting acquirer synchronously,
 * inside `release()`, and runs that acquirer's `onGrant` there: who holds it
 * is recorded before anything else can happen (another call, the holder's
 * death). A cancelled waiter leaves the line at once, so it never takes a
 * permit, even for a moment: an acquire right after a release finds the
 * permit free unless a live waiter was first.
 *
 * @module
 */

interface Waiting {
  grant(): void;
}

/** See the module comment. */
export class Permits {
  #value: number;
  /** In arrival order (a Set iterates in insertion order; a cancelled waiter is deleted in O(1)). */
  readonly #line = new Set<Waiting>();

  constructor(value: number) {
    this.#value = value;
  }

  /** Permits free now (while some are free, nobody waits). */
  get value(): number {
    return this.#value;
  }

  /** Acquirers waiting now. */
  get waiters(): number {
    return this.#line.size;
  }

  /** Takes a permit if one is free. */
  tryTake(): boolean {
    if (this.#value <= 0) return false;
    this.#value--;
    return true;
  }

  /**
   * Waits in line for a permit; when a release hands it over, `onGrant` runs there and the promise resolves with its
   * result. Rejects with the signal's reason if the signal aborts first (nothing is taken).
   */
  wait<R>(signal: AbortSignal | undefined, onGrant: () => R): Promise<R> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<R>((resolve, reject) => {
      const onAbort = () => {
        this.#line.delete(waiting);
        reject(signal!.reason);
      };
      const waiting: Waiting = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(onGrant());
        },
      };
      this.#line.add(waiting);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Gives `n` permits back: each to the longest-waiting acquirer, else free. */
  release(n = 1): void {
    for (let i = 0; i < n; i++) {
      const next = this.#line.values().next();
      if (next.done) {
        this.#value++;
        continue;
      }
      this.#line.delete(next.value);
      next.value.grant();
    }
  }
}
