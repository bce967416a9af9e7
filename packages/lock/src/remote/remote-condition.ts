/**
 * The proxy's Condition backend: calls to the owner through the runtime (CONDITION_OPS). A lease of the
 * condition's Lock that is not held here goes back first, so the owner knows who holds the lock.
 *
 * @module
 */
import { LOCAL_CAPABILITIES, opClient, type BackendCapabilities, type BlockingOptions, type LocalRef, type ObjectRef, type OpClient } from '@multiproc/wire';
import type { ConditionBackend } from '../condition-backend.js';
import type { LockBackend } from '../lock-backend.js';
import { CONDITION_OPS, type ConditionCalls } from '../ops.js';
import { RemoteLock } from './remote-lock.js';

/** See the module comment. */
export class RemoteCondition implements ConditionBackend {
  readonly capabilities: BackendCapabilities = LOCAL_CAPABILITIES;
  readonly isOwner = false;
  readonly #ref: LocalRef;
  readonly #owner: OpClient<ConditionCalls, typeof CONDITION_OPS>;
  readonly #lock: LockBackend;

  constructor(ref: LocalRef, lock: LockBackend) {
    this.#ref = ref;
    this.#lock = lock;
    this.#owner = opClient<ConditionCalls, typeof CONDITION_OPS>(CONDITION_OPS, ref.handle);
  }

  ref(): ObjectRef {
    return this.#ref;
  }

  wait(options: BlockingOptions & { readonly call: string }): Promise<boolean> {
    this.#returnIdleLease();
    return this.#owner.wait([], options);
  }

  notify(n: number): Promise<void> {
    this.#returnIdleLease();
    return this.#owner.notify([n], { call: 'Condition.notify()' });
  }

  waiters(): Promise<number> {
    return this.#owner.waiters([], { call: 'Condition waiters' });
  }

  #returnIdleLease(): void {
    if (this.#lock instanceof RemoteLock) this.#lock.returnIdleLease();
  }
}
