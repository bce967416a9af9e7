/**
 * `Barrier`: Python's `multiprocessing.Barrier`, shared by processes.
 *
 * @module
 */
import { InvalidArgumentError, PROXY, SharedObject, type BlockingOptions, type ProxyOptions } from '@multiproc/wire';
import { BarrierState } from './barrier-state.js';
import { SELF } from './holder.js';

/** Options of a {@link Barrier}. */
export interface BarrierOptions extends ProxyOptions {
  /** Runs once per round, in the owning process, when the last party arrives, before any is released. A throw breaks the barrier. */
  action?: () => unknown;
  /** Default `timeout` of `wait()`, in ms. @default undefined (wait for ever) */
  timeout?: number;
}

/**
 * `parties` processes wait at it until all have arrived, then all go on.
 *
 * @example
 * ```ts
 * const start = new Barrier(3);
 * // in each of three children: await start.wait();  // all three go on together
 * ```
 */
export class Barrier extends SharedObject<BarrierState> {
  /** How many parties must arrive. */
  readonly parties: number;
  /** Default timeout of `wait()`. */
  readonly timeout: number | undefined;

  /** @throws {InvalidArgumentError} `ERR_INVALID_ARGUMENT` when parties is not a whole number ≥ 1. */
  constructor(parties: number, options: BarrierOptions = {}) {
    if (!Number.isInteger(parties) || parties < 1) {
      throw new InvalidArgumentError(`new Barrier(): parties must be a whole number ≥ 1, got ${String(parties)}.`);
    }
    super(options[PROXY], () => new BarrierState(parties, options.action));
    this.parties = parties;
    this.timeout = options.timeout;
  }

  /**
   * Waits until all parties have arrived.
   *
   * @returns this party's arrival index, 0 … parties-1.
   * @throws {BrokenBarrierError} `ERR_BROKEN_BARRIER` when it is or becomes broken (a timeout breaks it, as in Python).
   */
  wait(options: BlockingOptions = {}): Promise<number> {
    const withDefault = { ...options, timeout: options.timeout ?? this.timeout };
    return this._run('Barrier.wait()', 'wait', [], withDefault, (state, signal) => state.wait(SELF, signal));
  }

  /** Breaks the barrier: waiters and later waits get `ERR_BROKEN_BARRIER`. */
  abort(): Promise<void> {
    return this._run('Barrier.abort()', 'abort', [], undefined, (state) => state.abort());
  }

  /** Returns it to its initial state; current waiters get `ERR_BROKEN_BARRIER`. */
  reset(): Promise<void> {
    return this._run('Barrier.reset()', 'reset', [], undefined, (state) => state.reset());
  }

  /** How many parties are waiting now. */
  nWaiting(): Promise<number> {
    return this._run('Barrier.nWaiting()', 'waiting', [], undefined, (state) => state.waiting);
  }

  /** True when it is broken. */
  broken(): Promise<boolean> {
    return this._run('Barrier.broken()', 'broken', [], undefined, (state) => state.broken);
  }
}
