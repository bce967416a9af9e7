/**
 * Child side: how a pool worker sends its results. Each is journaled (`Connection.keepJournal`) before the next task
 * starts, so results can go out in batches (one socket write for the quick tasks run in one go) and a crash still
 * loses none: the pool reads the journal after the worker's death. A result written at once is journaled only if the
 * socket cannot take it (`Connection.sendNow`).
 *
 * @module
 */
import type { Connection } from '@multiproc/pipe';
import { isUnsendable } from '@multiproc/wire';
import { Msg, type FromWorker, type ToWorker } from './protocol.js';

type Result = [Msg.Done | Msg.Failed, number, unknown, number, number?];

/** See the module comment. */
export class ResultWriter {
  readonly #conn: Connection<ToWorker | FromWorker>;
  /** The message of every result but those carrying rss: a message is encoded when sent, and not kept. */
  readonly #result: Result = [Msg.Done, 0, undefined, 0];
  /** Resident memory costs a syscall to read: measured at most every 100 ms. */
  #rss = 0;
  #rssAt = -Infinity;
  /** Results sent (journaled) and not yet written: the first one's time, or undefined. */
  #since: number | undefined;

  constructor(conn: Connection<ToWorker | FromWorker>) {
    this.#conn = conn;
  }

  /** When the oldest result not yet written was sent (undefined: none is waiting). */
  get since(): number | undefined {
    return this.#since;
  }

  /**
   * Sends one result: written now (`writeNow`), or else queued and journaled (if there is a journal) before this
   * returns. `now`: when the task ended. Resolves at once unless the pool is behind: then once the pipe drained.
   */
  report(id: number, ok: boolean, value: unknown, ms: number, writeNow: boolean, now: number): Promise<void> | undefined {
    const caughtUp = this.#send(id, ok, value, Math.round(ms * 1000), writeNow, now);
    this.#since = writeNow ? undefined : (this.#since ?? now);
    if (caughtUp) return undefined;
    return this.#conn.drained().then(() => {
      this.#since = undefined;
    });
  }

  /** Tells the pool that task `id` was skipped (see `Msg.Skipped`); written with the results. */
  skipped(id: number, now: number): void {
    this.#conn.trySend([Msg.Skipped, id]);
    this.#since ??= now;
  }

  /** Lets the queued results be written (one batch): any await does, as the channel writes at the end of the tick's microtasks. */
  async flush(): Promise<void> {
    await null;
    this.#since = undefined;
  }

  /** The worker is idle: what it queued is written as this tick ends. */
  idle(): void {
    this.#since = undefined;
  }

  #send(id: number, ok: boolean, value: unknown, us: number, writeNow: boolean, now: number): boolean {
    const conn = this.#conn;
    const measured = now - this.#rssAt > 100;
    if (measured) {
      this.#rss = process.memoryUsage.rss();
      this.#rssAt = now;
    }
    const message: Result = measured ? [Msg.Done, id, value, us, this.#rss] : this.#result;
    message[0] = ok ? Msg.Done : Msg.Failed;
    message[1] = id;
    message[2] = value;
    message[3] = us;
    try {
      return writeNow ? conn.sendNow(message) : conn.trySend(message);
    } catch (error) {
      if (!isUnsendable(error)) throw error;
      // The value cannot be sent (or is more than one message may hold): that error becomes the task's error.
      message[0] = Msg.Failed;
      message[2] = error;
      return writeNow ? conn.sendNow(message) : conn.trySend(message);
    } finally {
      message[2] = undefined;
    }
  }
}
