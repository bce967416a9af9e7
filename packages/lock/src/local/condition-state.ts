/**
 * Owner-side state of a Condition: its lock (a Lock or RLock this process
 * owns) and the processes waiting to be notified.
 *
 * `wait()` releases the lock, waits for a notify (or its timeout), and takes
 * the lock back before it returns, whatever happened, as Python's does. A
 * waiter whose process died is dropped without taking the lock back.
 *
 * @module
 */
import { serveOps, TimeoutError, type CallContext, type Owned, type Peer } from '@multiproc/wire';
import { LockNotHeldError } from '../errors.js';
import { CONDITION_OPS, type ConditionCalls } from '../ops.js';
import { SELF, type Holder } from './holder.js';
import type { PermitsState } from './permits-state.js';
import { Waiters } from './waiters.js';

/** See the module comment. */
export class ConditionState implements Owned {
  readonly #lock: PermitsState;
  readonly #waiters = new Waiters<true, { holder: Holder }>();

  constructor(lock: PermitsState) {
    this.#lock = lock;
  }

  /** Releases the lock, waits for a notify, re-takes the lock. True if notified, false on timeout. */
  async wait(holder: Holder, signal?: AbortSignal): Promise<boolean> {
    const depth = this.#lock.releaseAll(holder);
    let notified = true;
    let failure: unknown;
    try {
      await this.#waiters.wait({ holder }, signal);
    } catch (error) {
      notified = false;
      failure = error;
    }
    if (holder !== SELF && (holder as Peer).closed) return false;
    await this.#lock.restore(holder, depth);
    // The waiter's process may have died while it waited for the lock again: it cannot release it.
    if (holder !== SELF && (holder as Peer).closed) {
      this.#lock.releaseAll(holder);
      return false;
    }
    // In the owner, an abort (not a timeout) is thrown after the lock is back, as Python re-acquires before raising.
    if (holder === SELF && failure && !(failure instanceof TimeoutError)) throw failure;
    return notified;
  }

  /** Wakes up to `n` waiters. The caller must hold the lock. */
  notify(holder: Holder, n: number): void {
    this.#checkHeld(holder, 'notify');
    this.#waiters.wake(true, n);
  }

  #checkHeld(holder: Holder, call: string): void {
    if (this.#lock.heldBy(holder) === 0) {
      throw new LockNotHeldError(`Condition.${call}(): this process does not hold the condition's lock; acquire it first.`);
    }
  }

  /** `wait()`s waiting to be notified now. */
  get waiters(): number {
    return this.#waiters.size;
  }

  dispatch(op: string, args: unknown[], context: CallContext): unknown {
    return CONDITION_SERVICE.dispatch(this, op, args, context);
  }
}

/** How a Condition's owner serves other processes. */
const CONDITION_SERVICE = serveOps<ConditionCalls, ConditionState>('Condition', CONDITION_OPS, {
  wait: (state, _args, context) => state.wait(context.peer, context.signal),
  notify: (state, [n], context) => state.notify(context.peer, n),
  waiters: (state) => state.waiters,
});
