/**
 * The holder side of Lock leases: one object per process that owners can
 * call to take a lease back.
 *
 * A lease lets a process that keeps using an uncontended Lock take it again
 * without a round trip to the owner: the owner grants it with an acquire (see
 * PermitsState), and the holding proxy then acquires and releases locally. The
 * lease goes back to the owner when the holder stops using the lock (the run
 * of code that released it ends without taking it again), when the owner
 * revokes it because another process waits (at the holder's next release, or
 * at once if it is not held), when the owner ends it because someone released
 * the lock (at once), or at process exit.
 *
 * @module
 */
import { runtime, serveOps, type CallContext, type Owned, type Peer } from '@multiproc/wire';
import { LEASE_DESK_OPS, type LeaseDeskCalls } from '../ops.js';

/** What a proxy holding a lease implements. */
export interface LeaseHolder {
  /** The pid of the lock's owner. */
  readonly ownerPid: number;
  /** The owner wants lease `leaseId` back: at the next release, or now if the lock is not held here. */
  revoke(leaseId: number): void;
  /** The owner ends lease `leaseId` now: someone released the lock (a hold here is gone). */
  end(leaseId: number): void;
  /** Gives the lease back now if the lock is not held here (process exit). */
  returnIfIdle(): void;
  /** The owner is gone: the lease is void. */
  ownerGone(): void;
}

type Message = { op: 'revoke' | 'end'; leaseId: number };

/** See the module comment. */
class LeaseDesk implements Owned {
  readonly #holders = new Map<number, LeaseHolder>();
  /** Messages for a lease whose grant this process has not seen yet (they came in the same read). */
  readonly #early = new Map<number, Message>();
  #id = 0;
  #nextWatch = 0;

  /** This desk's object id in this process's runtime (registered on first use). */
  get id(): number {
    if (this.#id === 0) {
      this.#id = runtime().own(this);
      // A lease left idle at exit goes back, so the next acquirer is not told its holder died.
      process.on('exit', () => {
        for (const holder of this.#holders.values()) holder.returnIfIdle();
        runtime().flushSync();
      });
    }
    return this.#id;
  }

  /** A new number for a proxy to name itself in revocations. */
  watchId(): number {
    return ++this.#nextWatch;
  }

  /** `holder` holds a lease, under `watchId`; a message that came before the grant is delivered now. */
  add(watchId: number, holder: LeaseHolder): void {
    this.#holders.set(watchId, holder);
    const early = this.#early.get(watchId);
    if (!early) return;
    this.#early.delete(watchId);
    this.#deliver(holder, early);
  }

  /** The lease under `watchId` went back. */
  delete(watchId: number): void {
    this.#holders.delete(watchId);
  }

  dispatch(op: string, args: unknown[], context: CallContext): unknown {
    return DESK_SERVICE.dispatch(this, op, args, context);
  }

  /** The owner's message for the lease under `watchId` (kept if its grant has not arrived yet). */
  receive(watchId: number, message: Message): void {
    const holder = this.#holders.get(watchId);
    if (holder) this.#deliver(holder, message);
    else this.#early.set(watchId, message);
  }

  peerClosed(peer: Peer): void {
    for (const [watchId, holder] of this.#holders) {
      if (holder.ownerPid !== peer.pid) continue;
      this.#holders.delete(watchId);
      holder.ownerGone();
    }
  }

  #deliver(holder: LeaseHolder, message: Message): void {
    if (message.op === 'revoke') holder.revoke(message.leaseId);
    else holder.end(message.leaseId);
  }
}

const DESK_SERVICE = serveOps<LeaseDeskCalls, LeaseDesk>('LeaseDesk', LEASE_DESK_OPS, {
  revoke: (desk, [watchId, leaseId]) => desk.receive(watchId, { op: 'revoke', leaseId }),
  end: (desk, [watchId, leaseId]) => desk.receive(watchId, { op: 'end', leaseId }),
});

/** This process's lease desk. */
export const leaseDesk = new LeaseDesk();
