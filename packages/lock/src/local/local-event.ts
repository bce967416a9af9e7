/**
 * The owner's Event backend: this process holds the flag (event-state.ts) and serves other processes.
 *
 * @module
 */
import { LOCAL_CAPABILITIES, localRef, registerPublicObject, runtime, runLocalWait, signalOf, type BackendCapabilities, type BlockingOptions, type ObjectRef } from '@multiproc/wire';
import type { EventBackend } from '../event-backend.js';
import { EventState } from './event-state.js';

/** See the module comment. */
export class LocalEvent implements EventBackend {
  readonly capabilities: BackendCapabilities = LOCAL_CAPABILITIES;
  readonly isOwner = true;
  readonly #state = new EventState();
  readonly #id: number;

  constructor(facade?: object) {
    this.#id = runtime().own(this.#state);
    if (facade) registerPublicObject(this.#state, facade);
  }

  ref(): ObjectRef {
    return localRef(this.#id);
  }

  set(): Promise<void> {
    this.#state.set();
    return Promise.resolve();
  }

  clear(): Promise<void> {
    this.#state.clear();
    return Promise.resolve();
  }

  isSet(): Promise<boolean> {
    return Promise.resolve(this.#state.isSet);
  }

  wait(options: BlockingOptions & { readonly call: string }): Promise<true> {
    return runLocalWait(options.call, options, (signal) => this.#state.wait(signalOf(signal)));
  }

  waiters(): Promise<number> {
    return Promise.resolve(this.#state.waiters);
  }
}
