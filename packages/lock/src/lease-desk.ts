/**
 * The holder side of Lock leases: one object per process that owners can
 * call to revoke a lease.
 *
 * A lease lets a process that keeps using an uncontended Lock take it again
 * without a round trip to the owner: the owner grants it with an acquire (see
 * PermitsState), and the holding proxy then acquires and releases locally. The
 * lease goes back to the owner when the holder stops using the lock (the run
 * of code that released it ends without taking it again), when the owner
 * revokes it because another process waits (at the holder's next release, or
 * at once if it is not held), or at process exit.
 *
 * @module
 */
import { ProtocolError, runtime, type Owned } from '@multiproc/wire';

/** What a proxy holding a lease implements. */
export interface LeaseHolder {
  /** The owner asks for lease `leaseId` back. */
  revoke(leaseId: number): void;
  /** Gives the lease back now if the lock is not held here (process exit). */
  returnIfIdle(): void;
}

/** See the module comment. */
class LeaseDesk implements Owned {
  readonly #holders = new Map<number, LeaseHolder>();
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

  /** `holder` holds a lease, under `watchId`. */
  add(watchId: number, holder: LeaseHolder): void {
    this.#holders.set(watchId, holder);
  }

  /** The lease under `watchId` went back. */
  delete(watchId: number): void {
    this.#holders.delete(watchId);
  }

  dispatch(op: string, args: unknown[]): unknown {
    if (op !== 'revoke') throw new ProtocolError(`LeaseDesk: unknown operation '${op}'.`);
    const [watchId, leaseId] = args as [number, number];
    this.#holders.get(watchId)?.revoke(leaseId);
    return undefined;
  }
}

/** This process's lease desk. */
export const leaseDesk = new LeaseDesk();
