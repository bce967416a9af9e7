/**
 * Owner-side state of an Event: a flag and the processes waiting for it.
 *
 * @module
 */
import { ProtocolError, type CallContext, type Owned } from '@multiproc/wire';
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

  dispatch(op: string, _args: unknown[], context: CallContext): unknown {
    switch (op) {
      case 'set':
        return this.set();
      case 'clear':
        return this.clear();
      case 'isSet':
        return this.#flag;
      case 'wait':
        return this.wait(context.signal);
      default:
        throw new ProtocolError(`Event: unknown operation '${op}'.`);
    }
  }
}
