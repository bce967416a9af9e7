/**
 * Rolling statistics of task run and wait times: mean and p99 over the last samples.
 *
 * @module
 */

const WINDOW = 1024;

/** A window of the last 1024 samples. */
export class Samples {
  readonly #values = new Float64Array(WINDOW);
  #count = 0;

  add(value: number): void {
    this.#values[this.#count++ % WINDOW] = value;
  }

  /** Mean and 99th percentile, in ms (0 when empty). */
  summary(): { mean: number; p99: number } {
    const n = Math.min(this.#count, WINDOW);
    if (n === 0) return { mean: 0, p99: 0 };
    const sorted = Array.from(this.#values.subarray(0, n)).sort((a, b) => a - b);
    const mean = sorted.reduce((sum, v) => sum + v, 0) / n;
    return { mean, p99: sorted[Math.min(n - 1, Math.floor(n * 0.99))]! };
  }
}

/** What `Pool.stats()` returns. */
export interface PoolStats {
  /** Worker processes alive (starting or ready). */
  workers: number;
  /** Workers running a task now. */
  busy: number;
  /** Tasks waiting for a worker. */
  queued: number;
  /** Tasks sent to workers and not settled. */
  inflight: number;
  /** Tasks that succeeded. */
  completed: number;
  /** Tasks that failed (their function threw, timed out, was aborted, or its worker crashed). */
  failed: number;
  /** Workers that died unexpectedly. */
  crashed: number;
  /** Tasks run again after their worker crashed (`retries`). */
  retried: number;
  /** Task run time in the worker, ms. */
  runTime: { mean: number; p99: number };
  /** Time from submission until a worker took the task, ms (a task sent again after its worker died: its waits in the queue, added). */
  waitTime: { mean: number; p99: number };
}
