/**
 * `Lock`: Python's `multiprocessing.Lock`, shared by processes, released when its holder dies.
 *
 * @module
 */
import { PROXY, type ProxyOptions } from '@multiproc/wire';
import { Acquirable } from './acquirable.js';

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
   * @param options - internal: how a received handle is rebuilt; leave it out.
   */
  constructor(options: ProxyOptions = {}) {
    super('Lock', 1, options[PROXY]);
  }

  /** True while some process holds it (a snapshot). */
  locked(): Promise<boolean> {
    return this._run('Lock.locked()', 'locked', [], undefined, (state) => state.locked);
  }
}
