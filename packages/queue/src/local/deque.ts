/**
 * A FIFO with O(1) push, shift and unshift (a growable ring buffer).
 *
 * @module
 */

/** See the module comment. */
export class Deque<T> {
  #buffer: Array<T | undefined> = new Array(16);
  #head = 0;
  #length = 0;

  /** Number of items. */
  get length(): number {
    return this.#length;
  }

  /** Adds at the tail. */
  push(item: T): void {
    if (this.#length === this.#buffer.length) this.#grow();
    this.#buffer[(this.#head + this.#length) & (this.#buffer.length - 1)] = item;
    this.#length++;
  }

  /** Adds at the head. */
  unshift(item: T): void {
    if (this.#length === this.#buffer.length) this.#grow();
    this.#head = (this.#head - 1) & (this.#buffer.length - 1);
    this.#buffer[this.#head] = item;
    this.#length++;
  }

  /** Removes and returns the head; undefined when empty. */
  shift(): T | undefined {
    if (this.#length === 0) return undefined;
    const item = this.#buffer[this.#head];
    this.#buffer[this.#head] = undefined;
    this.#head = (this.#head + 1) & (this.#buffer.length - 1);
    this.#length--;
    return item;
  }

  /** The head, without removing it. */
  peek(): T | undefined {
    return this.#length === 0 ? undefined : this.#buffer[this.#head];
  }

  /** Removes every item. */
  clear(): void {
    this.#buffer = new Array(16);
    this.#head = 0;
    this.#length = 0;
  }

  #grow(): void {
    const old = this.#buffer;
    const grown: Array<T | undefined> = new Array(old.length * 2);
    for (let i = 0; i < this.#length; i++) grown[i] = old[(this.#head + i) & (old.length - 1)];
    this.#buffer = grown;
    this.#head = 0;
  }
}
