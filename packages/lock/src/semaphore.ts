/**
 * `Semaphore` and `BoundedSemaphore`: Python's counting semaphores, shared by processes.
 *
 * @module
 */
import { InvalidArgumentError } from '@multiproc/wire';
import { Acquirable } from './acquirable.js';
import type { LockInternals } from './create-backend.js';
import type { PermitsKind } from './lock-backend.js';

function checkValue(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new InvalidArgumentError(`new ${name}(): value must be a whole number ≥ 0, got ${String(value)}.`);
  }
  return value;
}

/**
 * A counter of permits: `acquire()` takes one (waiting for one), `release()` gives one back.
 * Permits a dying process held are given back.
 *
 * @throws {OverReleaseError} `ERR_SEMAPHORE_OVER_RELEASE` from `release()` on a {@link BoundedSemaphore} past its initial value.
 * @example
 * ```ts
 * const slots = new Semaphore(3);      // at most three processes at once
 * await slots.runExclusive(() => download(url));
 * ```
 */
export class Semaphore extends Acquirable {
  /**
   * Creates one owned by this process; pass it to children as an argument.
   *
   * @param value - initial number of permits. @default 1
   * @param internals - internal: how a received semaphore is rebuilt; leave it out.
   * @throws {InvalidArgumentError} `ERR_INVALID_ARGUMENT` when `value` is not a whole number ≥ 0.
   */
  constructor(value = 1, internals: LockInternals = {}) {
    super(new.target === BoundedSemaphore ? 'BoundedSemaphore' : ('Semaphore' as PermitsKind), checkValue(new.target.name, value), internals);
  }

  /** Permits free now (a snapshot). */
  getValue(): Promise<number> {
    return this._backend.value();
  }
}

/** A Semaphore that refuses to be released above its initial value (`ERR_SEMAPHORE_OVER_RELEASE`). */
export class BoundedSemaphore extends Semaphore {}
