/**
 * Submitters waiting for room in a bounded queue (`maxQueue` with `onFull: 'wait'`). They are woken when the queue
 * is below its bound again, and all at once when the pool stops taking tasks: each then submits again, and is
 * admitted or refused by the pool's state at that moment.
 *
 * @module
 */

/** See the module comment. */
export class RoomWaiters {
  readonly #waiting: Array<() => void> = [];
  readonly #max: number;

  /** @param max - the queue's bound (`maxQueue`; 0: unbounded). */
  constructor(max: number) {
    this.#max = max;
  }

  /** Resolves once there may be room (or the pool stopped taking tasks). */
  wait(): Promise<void> {
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  /**
   * The queue holds `length` tasks now. Below the bound, every waiter is woken: the length does not change until they
   * submit again (later, in order), and those that find it full again wait again.
   */
  shrank(length: number): void {
    while (this.#waiting.length > 0 && (this.#max === 0 || length < this.#max)) this.#waiting.shift()!();
  }

  /** Wakes every waiter (close, terminate, a broken pool). */
  wakeAll(): void {
    for (const wake of this.#waiting.splice(0)) wake();
  }
}
