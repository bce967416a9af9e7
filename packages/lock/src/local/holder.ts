/**
 * Who holds a lock or permit, as the owner sees it: a peer (another process,
 * by its connection), or the owner process itself.
 *
 * Holding is per process: within one process, every async task shares the
 * process's hold (an RLock's count, a Lock's ownership), as threads of one
 * process share a Python multiprocessing.Lock's view of "this process".
 *
 * @module
 */
import type { Peer } from '@multiproc/wire';

/** The owner process itself, as a holder. */
export const SELF: unique symbol = Symbol('owner process');

/** A holder: another process's peer, or the owner itself. */
export type Holder = Peer | typeof SELF;

/**
 * Drops one permit from `holder`'s count in `held` (`depth`: what it holds). A release by a process that did not
 * acquire (allowed for a Lock and a Semaphore) takes one from another holder, so the counts stay true.
 */
export function forgetOne(held: Map<Holder, number>, holder: Holder, depth: number): void {
  if (depth > 0) {
    if (depth === 1) held.delete(holder);
    else held.set(holder, depth - 1);
    return;
  }
  for (const [other, n] of held) {
    if (n === 1) held.delete(other);
    else held.set(other, n - 1);
    return;
  }
}
