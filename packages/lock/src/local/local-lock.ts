/**
 * The owner's backend of Lock, RLock, Semaphore and BoundedSemaphore: this
 * process counts the permits (permits-state.ts), and serves other processes
 * through the runtime. Its own calls go to the state directly; a free permit
 * is taken synchronously.
 *
 * @module
 */
import { LOCAL_CAPABILITIES, localRef, registerPublicObject, runtime, runLocalWait, type BackendCapabilities, type ObjectRef } from '@multiproc/wire';
import type { Acquired, LockAcquireOptions, LockBackend, LockSpec } from '../lock-backend.js';
import { SELF } from './holder.js';
import { PermitsState } from './permits-state.js';

/** See the module comment. */
export class LocalLock implements LockBackend {
  readonly capabilities: BackendCapabilities = LOCAL_CAPABILITIES;
  readonly spec: LockSpec;
  readonly isOwner = true;
  /** @internal The permits (a Condition on this lock uses them). */
  readonly state: PermitsState;
  readonly #id: number;

  /** @param facade - the public object, given back when a handle to this lock arrives in this process. */
  constructor(spec: LockSpec, facade?: object) {
    this.spec = spec;
    this.state = new PermitsState(spec.kind, spec.value);
    this.#id = runtime().own(this.state);
    if (facade) registerPublicObject(this.state, facade);
  }

  ref(): ObjectRef {
    return localRef(this.#id);
  }

  tryAcquireNow(): Acquired {
    return this.state.tryAcquire(SELF);
  }

  acquire(options: LockAcquireOptions): Promise<Acquired> {
    return runLocalWait(options.call, options, (signal) => this.state.acquire(SELF, options.blocking, signal) as Acquired | Promise<Acquired>);
  }

  release(): Promise<void> {
    try {
      // A Lock leased to another process: released once the lessee has given the lease back, and this process is kept
      // alive until then, as for any wait on an object it owns (local-wait.ts).
      const pending = this.state.release(SELF);
      return pending ? runtime().keepAliveWhile(pending) : Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  locked(): Promise<boolean> {
    return Promise.resolve(this.state.locked);
  }

  value(): Promise<number> {
    return Promise.resolve(this.state.value);
  }

  waiters(): Promise<number> {
    return Promise.resolve(this.state.waiters);
  }
}
