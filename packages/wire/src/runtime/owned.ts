/**
 * What an object owned by this process (a Queue's state, a Lock's state…)
 * implements so that other processes can use it through the runtime.
 *
 * @module
 */
import type { Peer } from './peer.js';

/** The context of one call from a peer. */
export interface CallContext {
  /** The peer that called. Owners key what a process holds by it, and release it when the peer closes. */
  readonly peer: Peer;
  /** Aborted when the caller cancels (its timeout or signal), or when the peer closes. */
  readonly signal: AbortSignal;
  /**
   * Asks the caller for a receipt of the reply. If the peer closes before the
   * receipt arrives (it died with the reply in flight), or the reply could not
   * be sent (`error`: it cannot be encoded, or is more than one message may
   * hold), `onLost` runs, e.g. to put a queue item back; for a reply that could
   * not be sent it may return the error the caller gets instead of `error`.
   * Call it at most once, just before returning.
   */
  needReceipt(onLost: (error?: unknown) => unknown, batch?: BatchReceipt): void;
}

/**
 * For a reply that is a batch the caller uses item by item (a queue's prefetch): the caller
 * acknowledges items as it uses them, and may give back those it will not use.
 */
export interface BatchReceipt {
  /** `used` more items were used; with `giveBack` the rest come back now. Returns true when the batch is settled. */
  acknowledged(used: number, giveBack: boolean): boolean;
}

/** An object other processes can call. */
export interface Owned {
  /**
   * Serves one operation. Return the result, or a Promise of it; throw (or reject) a
   * coded error for the caller. Unknown operations must throw a ProtocolError.
   */
  dispatch(op: string, args: unknown[], context: CallContext): unknown;
  /** A peer closed: release what it held (locks, permits, unfinished items, barrier places). */
  peerClosed?(peer: Peer): void;
}

/** Where an owner is: its pid, and the address its transport listens on. */
export interface OwnerAddress {
  pid: number;
  address: string;
}

/** What travels in a message for a shared object: its owner and its id there. */
export interface Handle {
  owner: OwnerAddress;
  id: number;
}
