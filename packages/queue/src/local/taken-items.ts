/**
 * A JoinableQueue's items taken and not yet marked done, per taker, oldest
 * first, so that a consumer that dies gives back (or reports) exactly what it
 * had not finished.
 *
 * `taskDone()` marks one item done; which one is not said (as in Python). It
 * is the caller's own oldest item if it has one, else the oldest item any
 * taker holds: a process may finish an item another took (a helper reporting
 * for a worker), and the lists must still add up to the number unfinished, so
 * that the death of the process that took it does not bring back an item
 * already done.
 *
 * @module
 */
import type { Peer } from '@multiproc/wire';

/** The owner process itself, as a taker. */
export const OWNER: unique symbol = Symbol('queue owner');

/** Who took items: another process (its connection), or the owner. */
export type Taker = Peer | typeof OWNER;

interface Entry<T> {
  item: T;
  /** Order of taking, across takers. */
  seq: number;
}

/** See the module comment. */
export class TakenItems<T> {
  readonly #byTaker = new Map<Taker, Entry<T>[]>();
  #seq = 0;

  /** `taker` took `items`. */
  add(taker: Taker, items: readonly T[]): void {
    let list = this.#byTaker.get(taker);
    if (!list) this.#byTaker.set(taker, (list = []));
    for (const item of items) list.push({ item, seq: this.#seq++ });
  }

  /** One item is done, said by `taker`: its own oldest, else the oldest of anyone's. */
  done(taker: Taker): void {
    let list = this.#byTaker.get(taker);
    if (!list?.length) {
      list = undefined;
      for (const other of this.#byTaker.values()) if (other.length > 0 && (!list || other[0]!.seq < list[0]!.seq)) list = other;
    }
    list?.shift();
  }

  /** `item` went back (or was dropped) before `taker` acknowledged it: it is no longer taken. */
  remove(taker: Taker, item: T): void {
    const list = this.#byTaker.get(taker);
    if (!list) return;
    for (let i = list.length - 1; i >= 0; i--) {
      if (list[i]!.item === item) {
        list.splice(i, 1);
        return;
      }
    }
  }

  /** `taker` is gone: its items not done, oldest first. */
  forget(taker: Taker): T[] {
    const list = this.#byTaker.get(taker);
    this.#byTaker.delete(taker);
    return list ? list.map((entry) => entry.item) : [];
  }
}
