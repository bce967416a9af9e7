/**
 * Owner-side state of a Barrier: `parties` processes wait until all have
 * arrived, then all go on. It breaks (every waiter gets `ERR_BROKEN_BARRIER`)
 * when a wait times out or is aborted, `abort()` is called, the action throws,
 * or a waiting party's process dies — it never hangs on a dead party.
 *
 * @module
 */
import { serveOps, type CallContext, type Owned, type Peer } from '@multiproc/wire';
import { BrokenBarrierError } from '../errors.js';
import { BARRIER_OPS, type BarrierCalls } from '../ops.js';
import { SELF, type Holder } from './holder.js';
import { Waiters } from './waiters.js';

/** See the module comment. */
export class BarrierState implements Owned {
  readonly parties: number;
  readonly #action: (() => unknown) | undefined;
  readonly #waiters = new Waiters<void, { holder: Holder; generation: number }>();
  #arrived = 0;
  /** The round: a party arriving while the last one's action runs waits for the next round. */
  #generation = 0;
  #broken = false;

  constructor(parties: number, action: (() => unknown) | undefined) {
    this.parties = parties;
    this.#action = action;
  }

  get broken(): boolean {
    return this.#broken;
  }

  get waiting(): number {
    return this.#waiters.size;
  }

  /** Waits for the other parties; resolves with this party's arrival index (0 … parties-1). */
  async wait(holder: Holder, signal?: AbortSignal): Promise<number> {
    if (this.#broken) throw new BrokenBarrierError('it was broken earlier');
    const index = this.#arrived++;
    const generation = this.#generation;
    if (this.#arrived === this.parties) {
      // The round is complete: later arrivals belong to the next one, even while the action runs.
      this.#arrived = 0;
      this.#generation++;
      try {
        await this.#action?.();
      } catch (error) {
        this.#break('its action threw');
        throw new BrokenBarrierError(`its action threw: ${(error as Error).message}`);
      }
      this.#waiters.wakeWhere((waiter) => waiter.generation === generation, undefined);
      return index;
    }
    try {
      await this.#waiters.wait({ holder, generation }, signal);
    } catch (error) {
      if (error instanceof BrokenBarrierError) throw error;
      // A closed peer means the party's process died (its wait was cancelled as its connection closed).
      const why = holder !== SELF && (holder as Peer).closed ? `party process ${(holder as Peer).pid} died while waiting` : 'a party timed out or gave up waiting';
      this.#break(why);
      throw new BrokenBarrierError(why);
    }
    return index;
  }

  /** Breaks it: every waiter, and every later wait, gets `ERR_BROKEN_BARRIER`. */
  abort(): void {
    this.#break('abort() was called');
  }

  /** Back to its initial state; current waiters get `ERR_BROKEN_BARRIER`. */
  reset(): void {
    this.#waiters.fail(new BrokenBarrierError('reset() was called while it waited'));
    this.#arrived = 0;
    this.#broken = false;
  }

  dispatch(op: string, args: unknown[], context: CallContext): unknown {
    return BARRIER_SERVICE.dispatch(this, op, args, context);
  }

  peerClosed(peer: Peer): void {
    for (const waiter of this.#waiters) {
      if (waiter.holder === peer) {
        this.#break(`party process ${peer.pid} died while waiting`);
        return;
      }
    }
  }

  #break(why: string): void {
    this.#broken = true;
    this.#arrived = 0;
    this.#waiters.fail(new BrokenBarrierError(why));
  }
}

/** How a Barrier's owner serves other processes. */
const BARRIER_SERVICE = serveOps<BarrierCalls, BarrierState>('Barrier', BARRIER_OPS, {
  wait: (state, _args, context) => state.wait(context.peer, context.signal),
  abort: (state) => state.abort(),
  reset: (state) => state.reset(),
  waiting: (state) => state.waiting,
  broken: (state) => state.broken,
});
