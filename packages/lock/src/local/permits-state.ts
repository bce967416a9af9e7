/**
 * Owner-side state of Lock, RLock, Semaphore and BoundedSemaphore, on
 * permits.ts (FIFO hand-off, so a process that keeps re-acquiring cannot
 * starve the others).
 *
 * Robust, which Python's are not: the owner knows which process holds what,
 * and when a holder's connection closes (it died) its permits are released at
 * once; the next acquisition of each is told the holder died (`ownerDied`, the
 * idea of a POSIX robust mutex's EOWNERDEAD), so it can repair shared state.
 *
 * A waiter that gives up (timeout, abort, its process died) leaves the line
 * at once, so a cancelled acquire never takes a permit, even for a moment.
 *
 * Leases (Lock only): a process that takes the lock again, uncontended, right
 * after it held it last, is granted a lease with it, and may then re-take it
 * without asking (see remote/lease-desk.ts). To the owner the lessee holds the lock
 * until it gives the lease back; when another process starts waiting, the
 * owner revokes the lease, and the lessee gives it back at its next release.
 * A release that is not the lessee's own give-back (another process releases
 * the Lock, as Python allows) waits until the lessee has given the lease back:
 * only then is it known whether the lock was held (the release frees it) or
 * not (`ERR_LOCK_NOT_HELD`), and the lessee can never re-take it meanwhile.
 *
 * @module
 */
import { postOp, signalOf, type CallContext, type Owned, type Peer, type SignalSource } from '@multiproc/wire';
import { LockNotHeldError, OverReleaseError } from '../errors.js';
import type { Acquired, PermitsKind } from '../lock-backend.js';
import { LEASE_DESK_OPS, LEASE_UNIT, type LeaseDeskCalls, type LeaseRequest } from '../ops.js';
import { forgetOne, SELF, type Holder } from './holder.js';
import { LOCK_SERVICE } from './lock-service.js';
import { Permits } from './permits.js';

interface Lease extends LeaseRequest {
  id: number;
  peer: Peer;
  revoked: boolean;
  /** The lessee was asked to end the lease (a release by someone else waits for it). */
  ending: boolean;
}

/** See the module comment. */
export class PermitsState implements Owned {
  readonly kind: PermitsKind;
  readonly initial: number;
  readonly #permits: Permits;
  /** Permits held per holder; for an RLock, its recursion depth. */
  readonly #held = new Map<Holder, number>();
  /** Permits released because their holder died, not yet re-acquired. */
  #orphaned = 0;
  /** Who took it last: a lease goes only to the holder that takes it again. */
  #lastHolder: Holder | undefined;
  /** The lease out now, if any. */
  #lease: Lease | undefined;
  /** A lease whose lessee is in a Condition wait: it comes back with the lock. */
  #parkedLease: Lease | undefined;
  #leaseIds = 0;
  /** Releases waiting for the lease to come back (see the module comment). */
  #releasesAwaitingLease: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];

  constructor(kind: PermitsKind, initial: number) {
    this.kind = kind;
    this.initial = initial;
    this.#permits = new Permits(initial);
  }

  /** Permits free now. */
  get value(): number {
    return Math.max(0, this.#permits.value);
  }

  /** True when no permit is free. */
  get locked(): boolean {
    return this.#permits.value <= 0;
  }

  /** Acquires waiting now (not counting abandoned ones). */
  get waiters(): number {
    return this.#permits.waiters;
  }

  /** How deep `holder` holds it (RLock), or how many permits it holds. */
  heldBy(holder: Holder): number {
    return this.#held.get(holder) ?? 0;
  }

  /**
   * Takes a permit at once if one is free (or one more level of an RLock `holder` holds),
   * without waiting or a promise; 0 if it would have to wait.
   */
  tryAcquire(holder: Holder): Acquired {
    const depth = this.#held.get(holder);
    if (this.kind === 'RLock' && depth) {
      this.#held.set(holder, depth + 1);
      return 1;
    }
    return this.#permits.tryTake() ? (this.#grant(holder) as Acquired) : 0;
  }

  /**
   * Acquires one permit (or one more level of an RLock it holds) for `holder`. With `lease`
   * (a Lock's remote holder), the result may carry a lease id (see `LEASE_UNIT`).
   */
  acquire(holder: Holder, blocking: boolean, source?: SignalSource, lease?: LeaseRequest): number | Promise<number> {
    const depth = this.#held.get(holder);
    if (this.kind === 'RLock' && depth) {
      this.#held.set(holder, depth + 1);
      return 1;
    }
    if (this.#permits.tryTake()) return this.#grant(holder, lease);
    // Someone wants it, if only now: a lessee that keeps re-taking it is asked to give it back.
    this.#revokeLease();
    if (!blocking) return 0;
    // The signal is made only for a call that waits. The grant is recorded in the release that hands the permit over.
    return this.#permits.wait(signalOf(source), () => this.#grant(holder, lease));
  }

  /**
   * Releases one permit (one level of an RLock) held by `holder`.
   *
   * @throws {LockNotHeldError} `ERR_LOCK_NOT_HELD` for a Lock nobody holds, or an RLock `holder` does not hold.
   * @throws {OverReleaseError} `ERR_SEMAPHORE_OVER_RELEASE` for a BoundedSemaphore back at its initial value.
   */
  release(holder: Holder): void | Promise<void> {
    const depth = this.#held.get(holder) ?? 0;
    switch (this.kind) {
      case 'RLock':
        if (depth === 0) throw new LockNotHeldError('RLock.release(): this process does not hold the lock; only its holder may release it.');
        if (depth > 1) {
          this.#held.set(holder, depth - 1);
          return;
        }
        break;
      case 'Lock':
        if (this.#lease) return this.#releaseLeased();
        if (this.#permits.value > 0) throw new LockNotHeldError('Lock.release(): the lock is not held.');
        break;
      case 'BoundedSemaphore':
        if (this.#permits.value >= this.initial) throw new OverReleaseError(this.initial);
        break;
    }
    forgetOne(this.#held, holder, depth);
    this.#permits.release();
  }

  /**
   * A lessee gives lease `id` back, and with it the lock (ignored for a lease that already ended).
   * `held`: it still held the lock when asked to end the lease (so a release waiting for it released that hold).
   */
  returnLease(holder: Holder, id: number, held: boolean): void {
    if (this.#lease?.id !== id || this.#lease.peer !== holder) return;
    this.#lease = undefined;
    forgetOne(this.#held, holder, this.#held.get(holder) ?? 0);
    this.#permits.release();
    const waiting = this.#releasesAwaitingLease.splice(0);
    waiting.forEach((release, i) => {
      if (held && i === 0) release.resolve();
      else release.reject(new LockNotHeldError('Lock.release(): the lock is not held.'));
    });
  }

  /** A release while a lease is out: the lessee is asked to end it, and the release completes when it has. */
  #releaseLeased(): Promise<void> {
    const lease = this.#lease!;
    if (!lease.ending) {
      lease.ending = true;
      try {
        postOp<LeaseDeskCalls, 'end'>(lease.peer, lease.desk, LEASE_DESK_OPS, 'end', [lease.watch, lease.id]);
      } catch {
        // Its connection is closing: peerClosed releases what it held, and settles this release.
      }
    }
    return new Promise((resolve, reject) => this.#releasesAwaitingLease.push({ resolve, reject }));
  }

  /** Condition support: releases every level `holder` holds; returns how many, to restore later. */
  releaseAll(holder: Holder): number {
    const depth = this.#held.get(holder) ?? 0;
    if (depth === 0) throw new LockNotHeldError(`Condition: this process does not hold the condition's ${this.kind}; acquire it first.`);
    if (this.#lease?.peer === holder) {
      this.#parkedLease = this.#lease;
      this.#lease = undefined;
    }
    this.#held.delete(holder);
    this.#permits.release();
    return this.kind === 'RLock' ? depth : 1;
  }

  /** Condition support: re-acquires the lock for `holder` at the depth it had. */
  async restore(holder: Holder, depth: number): Promise<void> {
    if (this.#permits.tryTake()) return this.#restored(holder, depth);
    this.#revokeLease();
    await this.#permits.wait(undefined, () => this.#restored(holder, depth));
  }

  #restored(holder: Holder, depth: number): void {
    this.#held.set(holder, depth);
    this.#lastHolder = holder;
    if (this.#parkedLease?.peer === holder) {
      this.#lease = this.#parkedLease;
      this.#parkedLease = undefined;
      if (this.#permits.waiters > 0) this.#revokeLease();
    }
  }

  dispatch(op: string, args: unknown[], context: CallContext): unknown {
    return LOCK_SERVICE.dispatch(this, op, args, context);
  }

  peerClosed(peer: Peer): void {
    if (this.#lease?.peer === peer) {
      this.#lease = undefined;
      // The lessee died holding it (to the owner): releasing it was what those releases wanted.
      for (const release of this.#releasesAwaitingLease.splice(0)) release.resolve();
    }
    if (this.#parkedLease?.peer === peer) this.#parkedLease = undefined;
    if (this.#lastHolder === peer) this.#lastHolder = undefined;
    const depth = this.#held.get(peer);
    if (!depth) return;
    this.#held.delete(peer);
    const permits = this.kind === 'RLock' || this.kind === 'Lock' ? 1 : depth;
    this.#orphaned += permits;
    this.#permits.release(permits);
  }

  #grant(holder: Holder, request?: LeaseRequest): number {
    this.#held.set(holder, (this.#held.get(holder) ?? 0) + 1);
    const again = this.#lastHolder === holder;
    this.#lastHolder = holder;
    let acquired: Acquired = 1;
    if (this.#orphaned > 0) {
      this.#orphaned--;
      acquired = 2;
    }
    // A lease for a holder that takes the lock again with nobody waiting: it is using it alone.
    if (request === undefined || this.kind !== 'Lock' || holder === SELF || !again || this.#permits.waiters > 0) return acquired;
    const id = ++this.#leaseIds;
    this.#lease = { ...request, id, peer: holder, revoked: false, ending: false };
    return acquired + LEASE_UNIT * id;
  }

  /** Someone waits: the lessee is asked to give the lease back (at its next release). */
  #revokeLease(): void {
    const lease = this.#lease;
    if (!lease || lease.revoked) return;
    lease.revoked = true;
    try {
      postOp<LeaseDeskCalls, 'revoke'>(lease.peer, lease.desk, LEASE_DESK_OPS, 'revoke', [lease.watch, lease.id]);
    } catch {
      // Its connection is closing: peerClosed releases what it held.
    }
  }
}
