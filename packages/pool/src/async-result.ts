/**
 * `AsyncResult`: what `applyAsync` and `mapAsync` return (Python's `AsyncResult`), and awaitable.
 *
 * @module
 */
import { InvalidStateError, TimeoutError, withDeadline, type BlockingOptions } from '@multiproc/wire';

/**
 * The pending result of `applyAsync`, `mapAsync` or `starmapAsync`: Python's
 * `AsyncResult`, and also awaitable.
 *
 * @example
 * ```ts
 * const result = pool.applyAsync(square, [3]);
 * if (!result.ready()) await result.wait();
 * console.log(result.successful(), await result.get({ timeout: 1000 })); // true 9
 * ```
 */
export class AsyncResult<R> implements PromiseLike<R> {
  readonly #promise: Promise<R>;
  #state: 'pending' | 'fulfilled' | 'rejected' = 'pending';

  /** @internal */
  constructor(promise: Promise<R>, callback?: (value: R) => void, errorCallback?: (error: unknown) => void) {
    this.#promise = promise;
    promise.then(
      (value) => {
        this.#state = 'fulfilled';
        callback?.(value);
      },
      (error: unknown) => {
        this.#state = 'rejected';
        errorCallback?.(error);
      },
    );
  }

  /** True once the task settled. */
  ready(): boolean {
    return this.#state !== 'pending';
  }

  /**
   * True if it succeeded.
   * @throws {InvalidStateError} `ERR_INVALID_STATE` when it has not settled yet (as Python's ValueError).
   */
  successful(): boolean {
    if (this.#state === 'pending') throw new InvalidStateError('AsyncResult.successful(): the result is not ready yet; call it after ready() is true.');
    return this.#state === 'fulfilled';
  }

  /**
   * The result, waiting for it; rejects with the task's error.
   * @throws {TimeoutError} `ERR_TIMEOUT` when `timeout` runs out first (the task goes on).
   */
  get(options?: BlockingOptions): Promise<R> {
    return withDeadline('AsyncResult.get()', options, this.#promise);
  }

  /** Waits until it settles, or `timeout` runs out; never rejects with the task's error. */
  async wait(options?: BlockingOptions): Promise<void> {
    try {
      await withDeadline('AsyncResult.wait()', options, this.#promise);
    } catch (error) {
      if (error instanceof TimeoutError || this.#state === 'rejected') return;
      throw error;
    }
  }

  /** Makes it awaitable: `await result` is `await result.get()` without a timeout. */
  then<A = R, B = never>(onFulfilled?: ((value: R) => A | PromiseLike<A>) | null, onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    return this.#promise.then(onFulfilled, onRejected);
  }
}
