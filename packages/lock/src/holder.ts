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

/** What an acquire returns across the wire: 0 not acquired, 1 acquired, 2 acquired from a holder that died. */
export type Acquired = 0 | 1 | 2;
