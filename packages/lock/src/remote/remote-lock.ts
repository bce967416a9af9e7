/**
 * The proxy's backend of Lock, RLock, Semaphore and BoundedSemaphore: calls
 * to the owner through the runtime (LOCK_OPS), and, for a Lock, leases.
 *
 * A lease lets a process that keeps taking an uncontended Lock take it again
 * without asking the owner (see lease-desk.ts and the owner's permits-state.ts):
 * `tryAcquireNow` takes it under the lease, for LEASE_MS at most, and a release
 * under it sends nothing. A release of permits this process holds does not
 * wait for the owner (calls from one process are served in order).
 *
 * @module
 */
import { LOCAL_CAPABILITIES, opClient, type BackendCapabilities, type LocalRef, type ObjectRef, type OpClient } from '@multiproc/wire';
import { LockNotHeldError } from '../errors.js';
import { NOT_ACQUIRED, type Acquired, type LockAcquireOptions, type LockBackend, type LockSpec } from '../lock-backend.js';
import { LEASE_UNIT, LOCK_OPS, type LockCalls } from '../ops.js';
import { leaseDesk, type LeaseHolder } from './lease-desk.js';

/** How long a lease lets a process re-take the lock without asking (then it asks again, behind any waiter), ms. */
const LEASE_MS = 1;

/** See the module comment. */
export class RemoteLock implements LockBackend {
  readonly capabilities: BackendCapabilities = LOCAL_CAPABILITIES;
  readonly spec: LockSpec;
  readonly isOwner = false;
  readonly #ref: LocalRef;
  readonly #owner: OpClient<LockCalls, typeof LOCK_OPS>;
  /** Permits this process holds, as far as it knows (for releasing without a round trip). */
  #heldHere = 0;
  /** A Lock asks for leases: the name it goes by at this process's desk, 0 if not. */
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

  constructor(ref: LocalRef, spec: LockSpec) {
    this.#ref = ref;
    this.spec = spec;
    this.#owner = opClient<LockCalls, typeof LOCK_OPS>(LOCK_OPS, ref.handle);
    this.#watchId = spec.kind === 'Lock' ? leaseDesk.watchId() : 0;
  }

  ref(): ObjectRef {
    return this.#ref;
  }

  tryAcquireNow(): Acquired {
    if (this.#lease === 0 || this.#leaseHeld) return NOT_ACQUIRED;
    // Leased to this process and not held here: taken without asking the owner, for LEASE_MS at most. A loop that
    // never waits on I/O never reads a revocation, so after that the lease goes back and the acquire queues at the
    // owner like anyone's (FIFO: a process that keeps re-taking the lock cannot starve others).
    if (performance.now() - this.#leaseSince <= LEASE_MS) {
      this.#leaseHeld = true;
      this.#heldHere++;
      return 1;
    }
    this.#returnLease(false);
    return NOT_ACQUIRED;
  }

  async acquire(options: LockAcquireOptions): Promise<Acquired> {
    const args: Parameters<LockCalls['acquire']> = this.#watchId === 0 ? [options.blocking] : [options.blocking, { desk: leaseDesk.id, watch: this.#watchId }];
    const reply = await this.#owner.acquire(args, options);
    const acquired = (reply % LEASE_UNIT) as Acquired;
    const lease = Math.floor(reply / LEASE_UNIT);
    if (lease !== 0) {
      this.#lease = lease;
      this.#leaseSince = performance.now();
      this.#leaseHeld = true;
      this.#leaseRevoked = false;
      leaseDesk.add(this.#watchId, this.#asLessee);
    }
    if (acquired !== NOT_ACQUIRED) this.#heldHere++;
    return acquired;
  }

  release(call: string): Promise<void> {
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
      try {
        this.#owner.post('release', []);
      } catch (error) {
        return Promise.reject(error);
      }
      return Promise.resolve();
    }
    return this.#owner.release([], { call });
  }

  locked(): Promise<boolean> {
    // A lease not held here goes back first: to the owner the lessee holds the lock, and this process released it.
    this.returnIdleLease();
    return this.#owner.locked([], { call: `${this.spec.kind}.locked()` });
  }

  value(): Promise<number> {
    return this.#owner.value([], { call: `${this.spec.kind}.getValue()` });
  }

  waiters(): Promise<number> {
    return this.#owner.waiters([], { call: `${this.spec.kind} waiters` });
  }

  /**
   * A lease that is not held here goes back before a Condition call, so the owner sees that this process does not
   * hold the lock (`ERR_LOCK_NOT_HELD`), as it would without leases.
   */
  returnIdleLease(): void {
    if (this.#lease !== 0 && !this.#leaseHeld) this.#returnLease(false);
  }

  /** How the lease desk reaches this proxy. */
  get #asLessee(): LeaseHolder {
    return (this.#lessee ??= {
      ownerPid: this.#ref.handle.owner.pid,
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
      returnIfIdle: () => this.returnIdleLease(),
      ownerGone: () => {
        this.#lease = 0;
        this.#leaseHeld = false;
        this.#leaseRevoked = false;
      },
    });
  }

  /** Gives the lease back; `held`: the lock was still held here when the owner ended it. */
  #returnLease(held: boolean): void {
    const lease = this.#lease;
    this.#lease = 0;
    this.#leaseRevoked = false;
    leaseDesk.delete(this.#watchId);
    try {
      this.#owner.post('return', [lease, held]);
    } catch {
      // The owner is gone: there is nothing to give back.
    }
  }

  /**
   * After a release under the lease: it goes back once the code now running has finished without taking the lock
   * again (a process.nextTick runs after every pending promise callback), so a loop of acquire/release keeps it, and
   * an idle process does not.
   */
  #scheduleReturn(): void {
    if (this.#returnScheduled) return;
    this.#returnScheduled = true;
    process.nextTick(() => {
      this.#returnScheduled = false;
      this.returnIdleLease();
    });
  }
}
