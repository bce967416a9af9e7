/**
 * The proxy's Event backend: calls to the owner through the runtime (EVENT_OPS).
 *
 * @module
 */
import { LOCAL_CAPABILITIES, opClient, type BackendCapabilities, type BlockingOptions, type LocalRef, type ObjectRef, type OpClient } from '@multiproc/wire';
import type { EventBackend } from '../event-backend.js';
import { EVENT_OPS, type EventCalls } from '../ops.js';

/** See the module comment. */
export class RemoteEvent implements EventBackend {
  readonly capabilities: BackendCapabilities = LOCAL_CAPABILITIES;
  readonly isOwner = false;
  readonly #ref: LocalRef;
  readonly #owner: OpClient<EventCalls, typeof EVENT_OPS>;

  constructor(ref: LocalRef) {
    this.#ref = ref;
    this.#owner = opClient<EventCalls, typeof EVENT_OPS>(EVENT_OPS, ref.handle);
  }

  ref(): ObjectRef {
    return this.#ref;
  }

  set(): Promise<void> {
    return this.#owner.set([], { call: 'Event.set()' });
  }

  clear(): Promise<void> {
    return this.#owner.clear([], { call: 'Event.clear()' });
  }

  isSet(): Promise<boolean> {
    return this.#owner.isSet([], { call: 'Event.isSet()' });
  }

  wait(options: BlockingOptions & { readonly call: string }): Promise<true> {
    return this.#owner.wait([], options);
  }

  waiters(): Promise<number> {
    return this.#owner.waiters([], { call: 'Event waiters' });
  }
}
