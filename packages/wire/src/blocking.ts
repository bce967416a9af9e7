/**
 * `{ timeout, signal }` for every blocking call, in one place.
 *
 * @module
 */
import { AbortError, InvalidArgumentError, TimeoutError } from './errors.js';

/** Options every blocking call accepts. */
export interface BlockingOptions {
  /**
   * **Milliseconds** to wait at most (Python's timeouts are seconds: its `timeout=0.1` is `{ timeout: 100 }` here,
   * and `{ timeout: 0.1 }` is a tenth of a millisecond); `undefined` or `Infinity` waits for ever.
   */
  timeout?: number | undefined;
  /** Aborts the wait; the call rejects with `ERR_ABORTED` and leaves nothing half-done. */
  signal?: AbortSignal | undefined;
}

/**
 * Checks a `timeout` option and returns it as a number of milliseconds (Infinity for none).
 *
 * @throws {InvalidArgumentError} `ERR_INVALID_ARGUMENT` when it is negative, NaN or not a number.
 */
export function checkTimeout(call: string, timeout: unknown): number {
  if (timeout === undefined || timeout === null) return Infinity;
  if (typeof timeout !== 'number' || Number.isNaN(timeout) || timeout < 0) {
    throw new InvalidArgumentError(
      `${call}: timeout must be a number of milliseconds ≥ 0 (or Infinity), got ${String(timeout)}.`,
    );
  }
  return timeout;
}

/**
 * Checks a blocking call's options before anything else happens (a free lock, an item already there): a bad
 * `timeout` or `signal` is `ERR_INVALID_ARGUMENT`, and a signal already aborted `ERR_ABORTED`, whether or not the call
 * would have waited. A call given something
 * else than an options object (Python's positional `get(True, 0.1)`, `acquire(False)`, `wait(0.1)`) is told the form to
 * write.
 *
 * @param form - what to write instead, e.g. `"get({ timeout: 100 })"`.
 * @throws {InvalidArgumentError} `ERR_INVALID_ARGUMENT`. @throws {AbortError} `ERR_ABORTED` when the signal is already aborted.
 */
export function checkBlockingOptions(call: string, options: unknown, form: string): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(
      `${call}: takes an options object, got ${typeof options === 'string' ? JSON.stringify(options) : String(options)}. ` +
        `Python's positional (block, timeout) arguments are not taken here: write ${form} (timeouts are in milliseconds).`,
    );
  }
  const { timeout, signal } = options as BlockingOptions;
  checkTimeout(call, timeout);
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new InvalidArgumentError(`${call}: signal must be an AbortSignal, got ${String(signal)}.`);
  }
  // As Node's own calls do: an aborted signal stops the call at once, even one that would not have waited.
  if (signal?.aborted) throw new AbortError(call, signal.reason);
}

/**
 * Runs `work` under `{ timeout, signal }`: `work` gets a {@link SignalSource} whose signal aborts with the coded
 * `ERR_TIMEOUT` / `ERR_ABORTED` error, and must stop waiting and undo itself when it does. Without either option,
 * `work` runs at once with no signal (and no timer or promise hop of its own).
 */
export function runWithDeadline<R>(call: string, options: BlockingOptions | undefined, work: (signal: SignalSource) => R | Promise<R>): Promise<R> {
  if (options?.timeout === undefined && options?.signal === undefined) {
    try {
      return Promise.resolve(work(undefined));
    } catch (error) {
      return Promise.reject(error);
    }
  }
  return runUnder(call, options, work);
}

async function runUnder<R>(call: string, options: BlockingOptions, work: (signal: SignalSource) => R | Promise<R>): Promise<R> {
  using deadline = new Deadline(call, options);
  return await work(deadline);
}

/**
 * A running deadline: `expired` rejects with a coded `TimeoutError` or `AbortError`
 * when the timeout runs out or the signal aborts. Dispose it when the wait ends so
 * no timer or listener outlives the call.
 */
export class Deadline implements Disposable {
  /** Rejects with `ERR_TIMEOUT` or `ERR_ABORTED`; never resolves. */
  readonly expired: Promise<never>;
  #timer: NodeJS.Timeout | undefined;
  #signal: AbortSignal | undefined;
  #onAbort: (() => void) | undefined;
  #controller: AbortController | undefined;

  /**
   * @param call - the call's name, for the error message (e.g. `"Process.join()"`).
   * @throws {InvalidArgumentError} `ERR_INVALID_ARGUMENT` for a bad timeout.
   * @throws {AbortError} `ERR_ABORTED` synchronously if the signal is already aborted.
   */
  constructor(call: string, options: BlockingOptions | undefined) {
    const timeout = checkTimeout(call, options?.timeout);
    const signal = options?.signal;
    if (signal?.aborted) throw new AbortError(call, signal.reason);
    let reject!: (err: Error) => void;
    this.expired = new Promise<never>((_, rej) => (reject = rej));
    // A deadline nobody races against must not become an unhandled rejection.
    this.expired.catch(() => {});
    if (timeout !== Infinity) {
      this.#timer = setTimeout(() => reject(new TimeoutError(call, timeout)), timeout);
    }
    if (signal) {
      this.#signal = signal;
      this.#onAbort = () => reject(new AbortError(call, signal.reason));
      signal.addEventListener('abort', this.#onAbort, { once: true });
    }
  }

  /**
   * An AbortSignal that aborts, with the same coded error as `expired`, when the
   * deadline passes: for waiting code that takes a signal.
   */
  get signal(): AbortSignal {
    if (!this.#controller) {
      const controller = new AbortController();
      this.#controller = controller;
      this.expired.catch((error: unknown) => controller.abort(error));
    }
    return this.#controller.signal;
  }

  /** Clears the timer and removes the abort listener. */
  [Symbol.dispose](): void {
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#onAbort) this.#signal?.removeEventListener('abort', this.#onAbort);
    this.#timer = undefined;
    this.#onAbort = undefined;
  }
}

/**
 * Waits for `work` under `{ timeout, signal }`; rejects with `ERR_TIMEOUT` or
 * `ERR_ABORTED` if the deadline comes first. The deadline is always cleaned up.
 * `work` is not cancelled: callers that must undo something do so on rejection.
 */
export async function withDeadline<T>(call: string, options: BlockingOptions | undefined, work: Promise<T>): Promise<T> {
  if (options?.timeout === undefined && options?.signal === undefined) return work;
  using deadline = new Deadline(call, options);
  return await Promise.race([work, deadline.expired]);
}

/**
 * Where a waiting call gets its AbortSignal: a signal, or something that makes one on demand
 * (a Deadline, a remote call's context). Owner-side state resolves it only when a call really
 * has to wait, so an operation that completes at once never builds an AbortController.
 */
export type SignalSource = AbortSignal | { readonly signal: AbortSignal } | undefined;

/** The AbortSignal of a {@link SignalSource}, made now if it is made on demand. */
export function signalOf(source: SignalSource): AbortSignal | undefined {
  return source === undefined || source instanceof AbortSignal ? source : source.signal;
}
