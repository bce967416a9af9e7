/**
 * `Semaphore` and `BoundedSemaphore`: Python's counting semaphores, shared by processes.
 *
 * @module
 */
import { InvalidArgumentError, PROXY, type ProxyOptions } from '@multiproc/wire';
import { Acquirable } from './acquirable.js';
import type { PermitsKind } from './permits-state.js';

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
   * @param options - internal: how a received handle is rebuilt; leave it out.
   * @throws {InvalidArgumentError} `ERR_INVALID_ARGUMENT` when `value` is not a whole number ≥ 0.
   */
  constructor(value = 1, options: ProxyOptions = {}) {
    super(new.target === BoundedSemaphore ? 'BoundedSemaphore' : ('Semaphore' as PermitsKind), checkValue(new.target.name, value), options[PROXY]);
  }

  /** Permits free now (a snapshot). */
  getValue(): Promise<number> {
    return this._run(`${this.constructor.name}.getValue()`, 'value', [], undefined, (state) => state.value);
  }
}

/** A Semaphore that refuses to be released above its initial value (`ERR_SEMAPHORE_OVER_RELEASE`). */
export class BoundedSemaphore extends Semaphore {}
