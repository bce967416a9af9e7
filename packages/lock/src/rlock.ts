/**
 * `RLock`: Python's `multiprocessing.RLock`, a re-entrant lock shared by processes.
 *
 * @module
 */
import { Acquirable } from './acquirable.js';
import type { LockInternals } from './create-backend.js';

/**
 * A lock the holding process may acquire again; it is free once released as many times.
 * Only the holding process may release it. Holding is per process: async tasks of one
 * process share its hold.
 *
 * @example
 * ```ts
 * const rlock = new RLock();
 * await rlock.acquire();
 * await rlock.acquire();   // same process: no wait
 * await rlock.release();
 * await rlock.release();   // now free
 * ```
 */
export class RLock extends Acquirable {
  /**
   * Creates one owned by this process. Pass it to children as a `Process`
   * argument; they get a live proxy. It lives as long as this process.
   *
   * @param internals - internal: how a received lock is rebuilt; leave it out.
   */
  constructor(internals: LockInternals = {}) {
    super('RLock', 1, internals);
  }

  /** True while some process holds it (a snapshot). */
  locked(): Promise<boolean> {
    return this._backend.locked();
  }
}
