/**
 * Owner-side state of an Event: a flag and the processes waiting for it.
 *
 * @module
 */
import { serveOps, type CallContext, type Owned } from '@multiproc/wire';
import { EVENT_OPS, type EventCalls } from '../ops.js';
import { Waiters } from './waiters.js';

/** See the module comment. */
export class EventState implements Owned {
  #flag = false;
  readonly #waiters = new Waiters<true>();

  get isSet(): boolean {
    return this.#flag;
  }

  set(): void {
    this.#flag = true;
    this.#waiters.wake(true);
  }

  clear(): void {
    this.#flag = false;
  }

  /** Resolves true once the flag is set (at once if it is). */
  wait(signal?: AbortSignal): true | Promise<true> {
    return this.#flag ? true : this.#waiters.wait({}, signal);
  }

  /** `wait()`s waiting now. */
  get waiters(): number {
    return this.#waiters.size;
  }

  dispatch(op: string, args: unknown[], context: CallContext): unknown {
    return EVENT_SERVICE.dispatch(this, op, args, context);
  }
}

/** How an Event's owner serves other processes. */
const EVENT_SERVICE = serveOps<EventCalls, EventState>('Event', EVENT_OPS, {
  set: (state) => state.set(),
  clear: (state) => state.clear(),
  isSet: (state) => state.isSet,
  wait: (state, _args, context) => state.wait(context.signal),
  waiters: (state) => state.waiters,
});
