/**
 * How long tasks run, as the local engine's scheduler judges it: a moving average over every result (how many tasks
 * make a batch), and a slow one per function (whether its tasks are tiny). Pure arithmetic, no clock.
 *
 * @module
 */

/** Most tasks sent to one worker in one message. */
export const MAX_BATCH = 1024;
/** A worker is given about this much work (by recent run times) at once: long tasks go one at a time, tiny ones in big batches. */
const BATCH_TARGET_MS = 2;
/** Tasks that run shorter than this (by their function's steady estimate) are tiny: see scheduler.ts. */
export const TINY_TASK_MS = 0.1;

/** See the module comment. */
export class RunEstimates {
  /** Moving average of recent task run times, ms; undefined until the first result. */
  #recent: number | undefined;
  /** Each function's run time, slow to move (one slow run does not make a function's tasks long), ms, by function id. */
  readonly #steady: number[] = []; // an array of numbers stores them unboxed, a Map boxes each

  /** A task of function `fnId` ran `ms`. */
  record(fnId: number, ms: number): void {
    this.#recent = this.#recent === undefined ? ms : this.#recent * 0.8 + ms * 0.2;
    // One run counts for 2% and at most twice the threshold: a worker descheduled for 10 ms in a tiny task does
    // not turn it long, and a function that has become long crosses the threshold within some 35 runs.
    const steady = this.#steady[fnId];
    const sample = Math.min(ms, 2 * TINY_TASK_MS);
    this.#steady[fnId] = steady === undefined ? sample : steady * 0.98 + sample * 0.02;
  }

  /** Tasks of this function are tiny: its runs are known, and short. */
  isTiny(fnId: number): boolean {
    return (this.#steady[fnId] ?? Infinity) < TINY_TASK_MS;
  }

  /**
   * Most tasks to give one worker at once when the head of the queue is a task of `fnId`: about BATCH_TARGET_MS of
   * work, and one while that function has not run yet (it may be long, and then must not pile up on one worker).
   */
  batchCap(fnId: number): number {
    const recent = this.#recent;
    if (recent === undefined || this.#steady[fnId] === undefined) return 1;
    return Math.max(1, Math.min(MAX_BATCH, Math.floor(BATCH_TARGET_MS / Math.max(recent, 1e-3))));
  }
}
