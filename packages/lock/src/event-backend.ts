/**
 * The seam between `Event` and where its flag lives (see lock-backend.ts for the family's backends).
 *
 * @module
 */
import type { BackendCapabilities, BlockingOptions, ObjectRef } from '@multiproc/wire';

/** An Event's flag, wherever it lives. `wait` rejects with `ERR_TIMEOUT` on timeout (the facade returns false). */
export interface EventBackend {
  readonly capabilities: BackendCapabilities;
  readonly isOwner: boolean;
  ref(): ObjectRef;
  /** Sets the flag and wakes every waiter. */
  set(): Promise<void>;
  /** Clears the flag. */
  clear(): Promise<void>;
  /** The flag now. */
  isSet(): Promise<boolean>;
  /** Resolves once the flag is set (at once if it is). @throws `ERR_TIMEOUT` / `ERR_ABORTED`. */
  wait(options: BlockingOptions & { readonly call: string }): Promise<true>;
  /** How many `wait()`s wait now (for tests). */
  waiters(): Promise<number>;
}

