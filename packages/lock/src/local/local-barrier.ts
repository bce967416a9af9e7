/**
 * The owner's Barrier backend: this process holds the parties' places (barrier-state.ts) and serves other processes.
 *
 * @module
 */
import { LOCAL_CAPABILITIES, localRef, registerPublicObject, runtime, runLocalWait, signalOf, type BackendCapabilities, type BlockingOptions, type ObjectRef } from '@multiproc/wire';
import type { BarrierBackend, BarrierSpec } from '../barrier-backend.js';
import { BarrierState } from './barrier-state.js';
import { SELF } from './holder.js';

/** See the module comment. */
export class LocalBarrier implements BarrierBackend {
  readonly capabilities: BackendCapabilities = LOCAL_CAPABILITIES;
  readonly spec: BarrierSpec;
  readonly isOwner = true;
  readonly #state: BarrierState;
  readonly #id: number;

  constructor(spec: BarrierSpec, facade?: object) {
    this.spec = spec;
    this.#state = new BarrierState(spec.parties, spec.action);
    this.#id = runtime().own(this.#state);
    if (facade) registerPublicObject(this.#state, facade);
  }

  ref(): ObjectRef {
    return localRef(this.#id);
  }

  wait(options: BlockingOptions & { readonly call: string }): Promise<number> {
    return runLocalWait(options.call, options, (signal) => this.#state.wait(SELF, signalOf(signal)));
  }

  abort(): Promise<void> {
    this.#state.abort();
    return Promise.resolve();
  }

  reset(): Promise<void> {
    this.#state.reset();
    return Promise.resolve();
  }

  waiting(): Promise<number> {
    return Promise.resolve(this.#state.waiting);
  }

  broken(): Promise<boolean> {
    return Promise.resolve(this.#state.broken);
  }
}
