/**
 * The owner's Condition backend: this process holds the waiters (condition-state.ts), on a lock it owns.
 *
 * @module
 */
import { LOCAL_CAPABILITIES, localRef, registerPublicObject, runtime, runLocalWait, signalOf, type BackendCapabilities, type BlockingOptions, type ObjectRef } from '@multiproc/wire';
import type { ConditionBackend } from '../condition-backend.js';
import { ConditionState } from './condition-state.js';
import { SELF } from './holder.js';
import type { PermitsState } from './permits-state.js';

/** See the module comment. */
export class LocalCondition implements ConditionBackend {
  readonly capabilities: BackendCapabilities = LOCAL_CAPABILITIES;
  readonly isOwner = true;
  readonly #state: ConditionState;
  readonly #id: number;

  constructor(lock: PermitsState, facade?: object) {
    this.#state = new ConditionState(lock);
    this.#id = runtime().own(this.#state);
    if (facade) registerPublicObject(this.#state, facade);
  }

  ref(): ObjectRef {
    return localRef(this.#id);
  }

  wait(options: BlockingOptions & { readonly call: string }): Promise<boolean> {
    return runLocalWait(options.call, options, (signal) => this.#state.wait(SELF, signalOf(signal)));
  }

  notify(n: number): Promise<void> {
    try {
      this.#state.notify(SELF, n);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  waiters(): Promise<number> {
    return Promise.resolve(this.#state.waiters);
  }
}
