/**
 * `wait()`: Python's `multiprocessing.connection.wait`, over Connections, Processes,
 * and anything else with a `[WAITABLE]` face.
 *
 * @module
 */
import { checkTimeout, InvalidArgumentError, WAITABLE, type HasWaitable } from '@multiproc/wire';

/**
 * Waits until at least one of `objects` is ready — a Connection has something to
 * receive (or is at its end), a Process has exited — and returns those that are ready.
 *
 * @returns the ready objects, in the order given; an empty array when `timeout` ran out first.
 * @throws {InvalidArgumentError} `ERR_INVALID_ARGUMENT` for an object wait() cannot watch.
 * @example
 * ```ts
 * for (const ready of await wait([conn1, conn2, worker], { timeout: 1000 })) { … }
 * ```
 */
export async function wait<T extends HasWaitable>(objects: Iterable<T>, options: { timeout?: number; signal?: AbortSignal } = {}): Promise<T[]> {
  const list = [...objects];
  for (const object of list) {
    if (!object || typeof object !== 'object' || !(WAITABLE in object)) {
      throw new InvalidArgumentError(`wait(): ${String(object)} cannot be waited on; pass Connections or Processes.`);
    }
  }
  const timeout = checkTimeout('wait()', options.timeout);
  const ready = () => list.filter((object) => object[WAITABLE].ready());
  const now = ready();
  if (now.length > 0 || timeout === 0) return now;
  const controller = new AbortController();
  const stop = () => controller.abort();
  options.signal?.addEventListener('abort', stop, { once: true });
  const timer = timeout === Infinity ? undefined : setTimeout(stop, timeout);
  try {
    await Promise.race([...list.map((object) => object[WAITABLE].whenReady(controller.signal)), new Promise<void>((resolve) => controller.signal.addEventListener('abort', () => resolve(), { once: true }))]);
  } finally {
    clearTimeout(timer);
    controller.abort();
    options.signal?.removeEventListener('abort', stop);
  }
  return ready();
}
