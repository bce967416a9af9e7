/**
 * The proxy's Barrier backend: calls to the owner through the runtime (BARRIER_OPS).
 *
 * @module
 */
import { LOCAL_CAPABILITIES, opClient, type BackendCapabilities, type BlockingOptions, type LocalRef, type ObjectRef, type OpClient } from '@multiproc/wire';
import type { BarrierBackend, BarrierSpec } from '../barrier-backend.js';
import { BARRIER_OPS, type BarrierCalls } from '../ops.js';

/** See the module comment. */
export class RemoteBarrier implements BarrierBackend {
  readonly capabilities: BackendCapabilities = LOCAL_CAPABILITIES;
  readonly spec: BarrierSpec;
  readonly isOwner = false;
  readonly #ref: LocalRef;
  readonly #owner: OpClient<BarrierCalls, typeof BARRIER_OPS>;

  constructor(ref: LocalRef, spec: BarrierSpec) {
    this.#ref = ref;
    this.spec = spec;
    this.#owner = opClient<BarrierCalls, typeof BARRIER_OPS>(BARRIER_OPS, ref.handle);
  }

  ref(): ObjectRef {
    return this.#ref;
  }

  wait(options: BlockingOptions & { readonly call: string }): Promise<number> {
    return this.#owner.wait([], options);
  }

  abort(): Promise<void> {
    return this.#owner.abort([], { call: 'Barrier.abort()' });
  }

  reset(): Promise<void> {
    return this.#owner.reset([], { call: 'Barrier.reset()' });
  }

  waiting(): Promise<number> {
    return this.#owner.waiting([], { call: 'Barrier.nWaiting()' });
  }

  broken(): Promise<boolean> {
    return this.#owner.broken([], { call: 'Barrier.broken()' });
  }
}
