/**
 * The seam between `Barrier` and where its parties wait (see lock-backend.ts for the family's backends).
 *
 * @module
 */
import type { BackendCapabilities, BlockingOptions, ObjectRef } from '@multiproc/wire';

/** What a Barrier is created with. */
export interface BarrierSpec {
  readonly name?: string | undefined;
  /** How many parties must arrive. */
  readonly parties: number;
  /** Runs once per round when the last party arrives, before any is released; a throw breaks the barrier. In the creating process (`creatorCallbacks`). */
  readonly action?: (() => unknown) | undefined;
}

/**
 * A Barrier, wherever it lives. It breaks (every waiter gets `ERR_BROKEN_BARRIER`) when a wait times out or is
 * aborted, `abort()` is called, the action throws, or a waiting party's process dies; it never hangs on a dead party.
 */
export interface BarrierBackend {
  readonly capabilities: BackendCapabilities;
  readonly spec: BarrierSpec;
  readonly isOwner: boolean;
  ref(): ObjectRef;
  /** Waits for the other parties. @returns this party's arrival index, 0 … parties-1. @throws {BrokenBarrierError} `ERR_BROKEN_BARRIER`. */
  wait(options: BlockingOptions & { readonly call: string }): Promise<number>;
  /** Breaks it. */
  abort(): Promise<void>;
  /** Back to its first state; current waiters get `ERR_BROKEN_BARRIER`. */
  reset(): Promise<void>;
  /** Parties waiting now. */
  waiting(): Promise<number>;
  /** True when broken. */
  broken(): Promise<boolean>;
}

