/**
 * `Barrier`: Python's `multiprocessing.Barrier`, shared by processes. A facade
 * over its backend (barrier-backend.ts).
 *
 * @module
 */
import { checkBlockingOptions, checkTimeout, handleOf, InvalidArgumentError, WAITERS, type BlockingOptions, type Handle } from '@multiproc/wire';
import type { BarrierBackend } from './barrier-backend.js';
import { barrierBackendFor, type LockInternals } from './create-backend.js';

/** Options of a {@link Barrier}. */
export interface BarrierOptions extends LockInternals {
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
export class Barrier {
  /** Default timeout of `wait()`. */
  readonly timeout: number | undefined;
  /** @internal */
  readonly _backend: BarrierBackend;

  /** @throws {InvalidArgumentError} `ERR_INVALID_ARGUMENT` when parties is not a whole number ≥ 1, or the timeout is bad. */
  constructor(parties: number, options: BarrierOptions = {}) {
    if (!Number.isInteger(parties) || parties < 1) {
      throw new InvalidArgumentError(`new Barrier(): parties must be a whole number ≥ 1, got ${String(parties)}.`);
    }
    if (options.timeout !== undefined) checkTimeout('new Barrier()', options.timeout);
    this._backend = barrierBackendFor({ parties, action: options.action }, options, this);
    this.timeout = options.timeout;
  }

  /** @internal The owner and id of this object when it is the process-local backend's (tests and tools that speak to an owner directly). */
  get handle(): Handle {
    return handleOf(this._backend.ref());
  }

  /** How many parties must arrive. */
  get parties(): number {
    return this._backend.spec.parties;
  }

  /**
   * Waits until all parties have arrived.
   *
   * @returns this party's arrival index, 0 … parties-1.
   * @throws {BrokenBarrierError} `ERR_BROKEN_BARRIER` when it is or becomes broken (a timeout breaks it, as in Python).
   * @throws {InvalidArgumentError} `ERR_INVALID_ARGUMENT` for bad options (Python's `wait(0.1)`: write `wait({ timeout: 100 })`).
   */
  wait(options: BlockingOptions = {}): Promise<number> {
    try {
      checkBlockingOptions('Barrier.wait()', options, 'wait({ timeout: 100 })');
    } catch (error) {
      return Promise.reject(error);
    }
    return this._backend.wait({ call: 'Barrier.wait()', timeout: options.timeout ?? this.timeout, signal: options.signal });
  }

  /** Breaks the barrier: waiters and later waits get `ERR_BROKEN_BARRIER`. */
  abort(): Promise<void> {
    return this._backend.abort();
  }

  /** Returns it to its initial state; current waiters get `ERR_BROKEN_BARRIER`. */
  reset(): Promise<void> {
    return this._backend.reset();
  }

  /** How many parties are waiting now. */
  nWaiting(): Promise<number> {
    return this._backend.waiting();
  }

  /** True when it is broken. */
  broken(): Promise<boolean> {
    return this._backend.broken();
  }

  /** @internal How many parties wait now (for tests). */
  [WAITERS](): Promise<number> {
    return this._backend.waiting();
  }
}
