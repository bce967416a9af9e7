/**
 * `Lock`: Python's `multiprocessing.Lock`, shared by processes, released when its holder dies.
 *
 * @module
 */
import { Acquirable } from './acquirable.js';
import type { LockInternals } from './create-backend.js';

/**
 * A mutual-exclusion lock shared by processes. Any process may release it (as in Python);
 * if its holder dies, it is released and the next acquirer sees `ownerDied`.
 *
 * @example
 * ```ts
 * const lock = new Lock();
 * await lock.runExclusive(async () => { await appendFile('shared.log', 'line\n'); });
 * ```
 */
export class Lock extends Acquirable {
  /**
   * Creates one owned by this process. Pass it to children as a `Process`
   * argument; they get a live proxy. It lives as long as this process.
   *
   * @param internals - internal: how a received lock is rebuilt; leave it out.
   */
  constructor(internals: LockInternals = {}) {
    super('Lock', 1, internals);
  }

  /** True while some process holds it (a snapshot). */
  locked(): Promise<boolean> {
    return this._backend.locked();
  }
}
