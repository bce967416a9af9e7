/**
 * The errors @multiproc/lock throws besides the shared ones (ERR_TIMEOUT, ERR_ABORTED, ERR_OWNER_GONE).
 *
 * @module
 */
import { MultiprocError, registerErrorClass } from '@multiproc/wire';

/** `ERR_LOCK_NOT_HELD`: `release()` of a lock nobody holds, or an RLock/Condition call by a process that does not hold the lock. */
export class LockNotHeldError extends MultiprocError {
  constructor(message: string) {
    super('ERR_LOCK_NOT_HELD', message);
  }
}

/** `ERR_SEMAPHORE_OVER_RELEASE`: a BoundedSemaphore released more times than it was acquired. */
export class OverReleaseError extends MultiprocError {
  constructor(value: number) {
    super(
      'ERR_SEMAPHORE_OVER_RELEASE',
      `BoundedSemaphore.release(): released more times than acquired (its initial value is ${value}). ` +
        'Release only what you acquired; use Semaphore if releases may outnumber acquires.',
    );
  }
}

/** `ERR_BROKEN_BARRIER`: the Barrier was aborted, reset, timed out, its action threw, or a waiting party died. */
export class BrokenBarrierError extends MultiprocError {
  constructor(why: string) {
    super('ERR_BROKEN_BARRIER', `Barrier.wait(): the barrier is broken: ${why}. Call reset() to use it again.`);
  }
}

registerErrorClass(LockNotHeldError);
registerErrorClass(OverReleaseError);
registerErrorClass(BrokenBarrierError);
