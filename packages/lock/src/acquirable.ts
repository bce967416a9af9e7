/**
 * What Lock, RLock, Semaphore and BoundedSemaphore share: acquire/release with
 * `{ timeout, signal }`, the scoped forms, and the `ownerDied` flag. A facade:
 * it checks arguments and calls its backend (lock-backend.ts).
 *
 * @module
 */
import { AbortError, checkBlockingOptions, handleOf, InvalidArgumentError, TimeoutError, WAITERS, type BlockingOptions, type Handle } from '@multiproc/wire';
import { lockBackendFor, type LockInternals } from './create-backend.js';
import { ACQUIRED_OWNER_DIED, NOT_ACQUIRED, type Acquired, type LockBackend, type PermitsKind } from './lock-backend.js';

/** Options of `acquire()`. */
export interface AcquireOptions extends BlockingOptions {
  /** false: take it only if it is free now, never wait. @default true */
  blocking?: boolean;
}

/** See the module comment. */
export abstract class Acquirable {
  /**
   * True when this process's last successful `acquire()` took the lock (or
   * permit) from a holder process that died holding it: whatever it guarded
   * may be half-updated, so repair it before going on.
   */
  ownerDied = false;
  /** @internal */
  readonly _backend: LockBackend;

  /** @internal */
  protected constructor(kind: PermitsKind, value: number, internals: LockInternals) {
    this._backend = lockBackendFor({ kind, value }, internals, this);
  }

  /** @internal The owner and id of this object when it is the process-local backend's (tests and tools that speak to an owner directly). */
  get handle(): Handle {
    return handleOf(this._backend.ref());
  }

  /** True in the process that counts the permits. */
  get isOwner(): boolean {
    return this._backend.isOwner;
  }

  /**
   * Acquires it, waiting while it is taken (FIFO across processes).
   *
   * @returns true once acquired; false if `blocking` is false and it is taken, or `timeout` ran out (as Python).
   * @throws {AbortError} `ERR_ABORTED` when `signal` aborts; nothing is left held.
   * @throws {OwnerGoneError} `ERR_OWNER_GONE` when the owning process has exited.
   * @throws {InvalidArgumentError} `ERR_INVALID_ARGUMENT` for a bad `timeout` or `signal` (whether or not it is free),
   * or Python's positional `acquire(False)` / `acquire(True, 0.1)`: write `acquire({ blocking: false })` / `acquire({ timeout: 100 })`.
   */
  acquire(options: AcquireOptions = {}): Promise<boolean> {
    const call = `${this.constructor.name}.acquire()`;
    try {
      checkBlockingOptions(call, options, 'acquire({ timeout: 100 }), or acquire({ blocking: false })');
      if (options.blocking !== undefined && typeof options.blocking !== 'boolean') {
        throw new InvalidArgumentError(`${call}: blocking must be true or false, got ${String(options.blocking)}.`);
      }
    } catch (error) {
      return Promise.reject(error);
    }
    // Taken at once when the backend can tell (the owner's free permit, a lease): no promise hop, no message.
    const now = this._backend.tryAcquireNow?.() ?? NOT_ACQUIRED;
    if (now !== NOT_ACQUIRED) return Promise.resolve(this.#acquired(now));
    return this.#acquireWaiting(call, options);
  }

  async #acquireWaiting(call: string, options: AcquireOptions): Promise<boolean> {
    let acquired: Acquired;
    try {
      acquired = await this._backend.acquire({ call, blocking: options.blocking ?? true, timeout: options.timeout, signal: options.signal });
    } catch (error) {
      if (error instanceof TimeoutError) return false;
      throw error;
    }
    return acquired !== NOT_ACQUIRED && this.#acquired(acquired);
  }

  #acquired(acquired: Acquired): true {
    this.ownerDied = acquired === ACQUIRED_OWNER_DIED;
    return true;
  }

  /**
   * Releases it. In the holder process this does not wait for the owner (calls from one process are served in order).
   *
   * @throws {LockNotHeldError} `ERR_LOCK_NOT_HELD` when it is not held (RLock: not by this process).
   * @throws {OverReleaseError} `ERR_SEMAPHORE_OVER_RELEASE` (BoundedSemaphore).
   */
  release(): Promise<void> {
    return this._backend.release(`${this.constructor.name}.release()`);
  }

  /**
   * Runs `fn` while holding it, and releases it however `fn` ends.
   *
   * @throws {TimeoutError} `ERR_TIMEOUT` when `timeout` ran out before it was acquired.
   */
  async runExclusive<R>(fn: () => R | Promise<R>, options?: BlockingOptions): Promise<R> {
    await this.#acquireOrThrow(options);
    try {
      return await fn();
    } finally {
      await this.release();
    }
  }

  /**
   * Acquires it and returns a guard that releases it when disposed:
   * `await using held = await lock.guard();`. `await using` needs Node ≥ 24 in JavaScript (TypeScript compiles it
   * down); on Node 20 and 22: `const held = await lock.guard(); try { … } finally { await held[Symbol.asyncDispose](); }`.
   *
   * @throws {TimeoutError} `ERR_TIMEOUT` when `timeout` ran out before it was acquired.
   */
  async guard(options?: BlockingOptions): Promise<AsyncDisposable> {
    await this.#acquireOrThrow(options);
    let released = false;
    return {
      [Symbol.asyncDispose]: async () => {
        if (released) return;
        released = true;
        await this.release();
      },
    };
  }

  /** @internal How many acquires wait on it now (for tests). */
  [WAITERS](): Promise<number> {
    return this._backend.waiters();
  }

  /** `<Lock owner>` in the process that counts the permits, `<Lock proxy>` elsewhere. */
  toString(): string {
    return `<${this.constructor.name} ${this.isOwner ? 'owner' : 'proxy'}>`;
  }

  async #acquireOrThrow(options: BlockingOptions | undefined): Promise<void> {
    if (!(await this.acquire(options))) {
      if (options?.signal?.aborted) throw new AbortError(`${this.constructor.name}.acquire()`, options.signal.reason);
      throw new TimeoutError(`${this.constructor.name}.acquire()`, options?.timeout ?? 0);
    }
  }
}
