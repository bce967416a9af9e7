/**
 * What Lock, RLock, Semaphore and BoundedSemaphore share: acquire/release with
 * `{ timeout, signal }`, the scoped forms, and the `ownerDied` flag.
 *
 * @module
 */
import {
  AbortError,
  SharedObject,
  TimeoutError,
  type BlockingOptions,
  type Handle,
} from '@multiproc/wire';
import { LockNotHeldError } from './errors.js';
import { SELF, type Acquired } from './holder.js';
import { leaseDesk, type LeaseHolder } from './lease-desk.js';
import { LEASE_UNIT, PermitsState, type LeaseRequest, type PermitsKind } from './permits-state.js';

/** Options of `acquire()`. */
export interface AcquireOptions extends BlockingOptions {
  /** false: take it only if it is free now, never wait. @default true */
  blocking?: boolean;
}

/** How long a lease lets a process re-take the lock without asking (then it asks again, behind any waiter), ms. */
const LEASE_MS = 1;

/** @internal The owner's permits state of each owner-side object (for Condition). */
export const permitsOf = new WeakMap<object, PermitsState>();

/** See the module comment. */
export abstract class Acquirable extends SharedObject<PermitsState> {
  /**
   * True when this process's last successful `acquire()` took the lock (or
   * permit) from a holder process that died holding it: whatever it guarded
   * may be half-updated, so repair it before going on.
   */
  ownerDied = false;
  /** Permits this process holds, as far as it knows (for releasing without a round trip). */
  #heldHere = 0;
  /** A Lock's proxy asks for leases (see lease-desk.ts): the name it goes by at this process's desk, 0 if not. */
  readonly #watchId: number;
  /** The lease this process holds (0: none): it may take the lock without asking while it is not held here. */
  #lease = 0;
  /** Held here under the lease. */
  #leaseHeld = false;
  /** The owner wants the lease back: it goes at the next release. */
  #leaseRevoked = false;
  #returnScheduled = false;
  #lessee: LeaseHolder | undefined;
  /** When the lease was granted. */
  #leaseSince = 0;

  /** @internal */
  protected constructor(kind: PermitsKind, initial: number, proxy: Handle | undefined) {
    super(proxy, () => new PermitsState(kind, initial));
    const state = this._state;
    if (state) permitsOf.set(this, state);
    this.#watchId = proxy && kind === 'Lock' ? leaseDesk.watchId() : 0;
  }

  /**
   * Acquires it, waiting while it is taken (FIFO across processes).
   *
   * @returns true once acquired; false if `blocking` is false and it is taken, or `timeout` ran out (as Python).
   * @throws {AbortError} `ERR_ABORTED` when `signal` aborts; nothing is left held.
   * @throws {OwnerGoneError} `ERR_OWNER_GONE` when the owning process has exited.
   */
  acquire(options: AcquireOptions = {}): Promise<boolean> {
    // The owner takes a free permit synchronously: no promise hop, no message.
    const state = this._state;
    if (state) {
      const now = state.tryAcquire(SELF);
      if (now !== 0) return Promise.resolve(this.#acquired(now));
    } else if (this.#lease !== 0 && !this.#leaseHeld) {
      // Leased to this process and not held here: taken without asking the owner, for LEASE_MS at most. A loop
      // that never waits on I/O never reads a revocation, so after that the lease goes back and this acquire
      // queues at the owner like anyone's (FIFO: a process that keeps re-taking the lock cannot starve others).
      if (performance.now() - this.#leaseSince <= LEASE_MS) {
        this.#leaseHeld = true;
        return Promise.resolve(this.#acquired(1));
      }
      this.#returnLease(false);
    }
    return this.#acquireWaiting(options);
  }

  async #acquireWaiting(options: AcquireOptions): Promise<boolean> {
    const blocking = options.blocking ?? true;
    const args: [boolean, LeaseRequest?] = this.#watchId === 0 ? [blocking] : [blocking, { desk: leaseDesk.id, watch: this.#watchId }];
    let reply: number;
    try {
      reply = await this._run(`${this.constructor.name}.acquire()`, 'acquire', args, options, (state, signal) =>
        state.acquire(SELF, blocking, signal),
      );
    } catch (error) {
      if (error instanceof TimeoutError) return false;
      throw error;
    }
    const acquired = (reply % LEASE_UNIT) as Acquired;
    const lease = Math.floor(reply / LEASE_UNIT);
    if (lease !== 0) {
      this.#lease = lease;
      this.#leaseSince = performance.now();
      this.#leaseHeld = true;
      this.#leaseRevoked = false;
      leaseDesk.add(this.#watchId, this.#asLessee);
    }
    return acquired !== 0 && this.#acquired(acquired);
  }

  /** How the lease desk reaches this proxy (a getter: the handle is known once the constructor ran). */
  get #asLessee(): LeaseHolder {
    return (this.#lessee ??= {
      ownerPid: this.handle.owner.pid,
      revoke: (leaseId) => {
        if (leaseId !== this.#lease) return;
        if (this.#leaseHeld) this.#leaseRevoked = true;
        else this.#returnLease(false);
      },
      end: (leaseId) => {
        if (leaseId !== this.#lease) return;
        // Someone released the lock: a hold here is gone with it (as when another process releases a Python Lock).
        const held = this.#leaseHeld;
        if (held) {
          this.#leaseHeld = false;
          if (this.#heldHere > 0) this.#heldHere--;
        }
        this.#returnLease(held);
      },
      returnIfIdle: () => this.#returnIfIdle(),
      ownerGone: () => {
        this.#lease = 0;
        this.#leaseHeld = false;
        this.#leaseRevoked = false;
      },
    });
  }

  #returnIfIdle(): void {
    if (this.#lease !== 0 && !this.#leaseHeld) this.#returnLease(false);
  }

  /** Gives the lease back; `held`: the lock was still held here when the owner ended it. */
  #returnLease(held: boolean): void {
    const lease = this.#lease;
    this.#lease = 0;
    this.#leaseRevoked = false;
    leaseDesk.delete(this.#watchId);
    try {
      this._post('return', [lease, held], () => {});
    } catch {
      // The owner is gone: there is nothing to give back.
    }
  }

  /**
   * @internal Condition support: a lease that is not held here goes back before a Condition call, so the
   * owner sees that this process does not hold the lock (`ERR_LOCK_NOT_HELD`), as it would without leases.
   */
  static returnIdleLease(lock: Acquirable): void {
    lock.#returnIfIdle();
  }

  /**
   * After a release under the lease: it goes back once the code now running has finished
   * without taking the lock again (a process.nextTick runs after every pending promise
   * callback), so a loop of acquire/release keeps it, and an idle process does not.
   */
  #scheduleReturn(): void {
    if (this.#returnScheduled) return;
    this.#returnScheduled = true;
    process.nextTick(() => {
      this.#returnScheduled = false;
      this.#returnIfIdle();
    });
  }

  #acquired(acquired: 1 | 2): true {
    this.ownerDied = acquired === 2;
    this.#heldHere++;
    return true;
  }

  /**
   * Releases it. In the holder process this does not wait for the owner (calls from one process are served in order).
   *
   * @throws {LockNotHeldError} `ERR_LOCK_NOT_HELD` when it is not held (RLock: not by this process).
   * @throws {OverReleaseError} `ERR_SEMAPHORE_OVER_RELEASE` (BoundedSemaphore).
   */
  release(): Promise<void> {
    const state = this._state;
    if (state) {
      let released: void | Promise<void>;
      try {
        released = state.release(SELF);
      } catch (error) {
        return Promise.reject(error);
      }
      if (this.#heldHere > 0) this.#heldHere--;
      // A Lock leased to another process: released once the lessee has given the lease back.
      return released ?? Promise.resolve();
    }
    if (this.#lease !== 0) {
      if (!this.#leaseHeld) return Promise.reject(new LockNotHeldError('Lock.release(): the lock is not held.'));
      this.#leaseHeld = false;
      if (this.#heldHere > 0) this.#heldHere--;
      if (this.#leaseRevoked) this.#returnLease(false);
      else this.#scheduleReturn();
      return Promise.resolve();
    }
    if (this.#heldHere > 0) {
      // This process holds it: the release cannot fail, and calls from one process are served in order.
      this.#heldHere--;
      this._post('release', [], () => {});
      return Promise.resolve();
    }
    return this._run(`${this.constructor.name}.release()`, 'release', [], undefined, (s) => s.release(SELF));
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
   * `await using held = await lock.guard();`
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

  async #acquireOrThrow(options: BlockingOptions | undefined): Promise<void> {
    if (!(await this.acquire(options))) {
      if (options?.signal?.aborted) throw new AbortError(`${this.constructor.name}.acquire()`, options.signal.reason);
      throw new TimeoutError(`${this.constructor.name}.acquire()`, options?.timeout ?? 0);
    }
  }
}
