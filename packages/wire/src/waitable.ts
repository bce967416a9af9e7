/**
 * The protocol `wait()` (@multiproc/pipe) uses to wait on objects of several
 * packages at once — Connections, Processes — without importing them.
 *
 * @module
 */

/** The key of an object's {@link Waitable} face. */
export const WAITABLE = Symbol.for('multiproc.waitable');

/** What `wait()` needs of an object. */
export interface Waitable {
  /** True when waiting on it would return at once (data to read, end of file, exited). */
  ready(): boolean;
  /** Resolves when it becomes ready; stops listening when `signal` aborts. */
  whenReady(signal: AbortSignal): Promise<void>;
}

/** An object `wait()` accepts. */
export interface HasWaitable {
  readonly [WAITABLE]: Waitable;
}
