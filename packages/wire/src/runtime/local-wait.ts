/**
 * `runLocalWait()`: how a process-local backend runs a blocking call on an
 * object this process owns (a `get()` on its own queue, an `acquire()` of its
 * own lock, a `wait()`, a `join()`).
 *
 * It is {@link runWithDeadline}, plus one rule: a call that really waits keeps
 * this process alive while another process that could end the wait is
 * connected (see keep-alive.ts). A call that completes at once pays one
 * `instanceof` check.
 *
 * @module
 */
import { runWithDeadline, type BlockingOptions, type SignalSource } from '../blocking.js';
import { runtime } from './runtime.js';

/**
 * Runs `work` under `{ timeout, signal }` as {@link runWithDeadline} does; if `work` returns a promise (the call has
 * to wait), the process is kept alive until it settles while a peer that could end the wait is connected.
 */
export function runLocalWait<R>(call: string, options: BlockingOptions | undefined, work: (signal: SignalSource) => R | Promise<R>): Promise<R> {
  // runWithDeadline calls `work` synchronously (also under a deadline: before its first await), so this is known below.
  let waits = false;
  const result = runWithDeadline(call, options, (signal) => {
    const value = work(signal);
    waits = value instanceof Promise;
    return value;
  });
  return waits ? runtime().keepAliveWhile(result) : result;
}
