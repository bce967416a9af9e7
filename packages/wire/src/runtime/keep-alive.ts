/**
 * Keeps this process alive while a blocking call on an object it owns waits
 * (a `get()` on its own queue, an `acquire()` of its own lock, a `wait()`, a
 * `join()`) and another process could still end the wait: any peer connected
 * now, or that connects while it waits. Node would otherwise see nothing
 * keeping the event loop alive (children's channels are unref'd, so that an
 * idle program can end) and exit with code 13, an unsettled top-level await,
 * saying nothing (issue #19 item 11). A pending pool task keeps its process
 * alive the same way.
 *
 * It refs each such peer's channel while any wait is pending; a peer that
 * closes stops counting at once (its socket is gone), so when no process is
 * left that could end the wait, the process exits as before.
 *
 * @module
 */
import type { Peer } from './peer.js';

/** See the module comment. */
export class KeepAlive {
  readonly #peers: () => Iterable<Peer>;
  /** Local blocking calls pending now. */
  #waiting = 0;
  /** Peers this holds (one hold each). */
  readonly #held = new Set<Peer>();

  /** @param peers - the peers connected now. */
  constructor(peers: () => Iterable<Peer>) {
    this.#peers = peers;
  }

  /** Returns `work`, having kept the process alive until it settles (see the module comment). */
  while<T>(work: Promise<T>): Promise<T> {
    if (this.#waiting++ === 0) for (const peer of this.#peers()) this.#hold(peer);
    const done = () => {
      if (--this.#waiting > 0) return;
      for (const peer of this.#held) if (!peer.closed) peer.release();
      this.#held.clear();
    };
    work.then(done, done);
    return work;
  }

  /** A peer connected: while a call waits, it keeps the process alive too. */
  peerAdded(peer: Peer): void {
    if (this.#waiting > 0) this.#hold(peer);
  }

  /** A peer closed: it holds nothing any more. */
  peerClosed(peer: Peer): void {
    this.#held.delete(peer);
  }

  #hold(peer: Peer): void {
    if (peer.closed || this.#held.has(peer)) return;
    this.#held.add(peer);
    peer.hold();
  }
}
