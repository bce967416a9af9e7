/**
 * The pool worker: the target of every worker Process (child side). It runs the initializer, then the tasks it
 * receives, strictly one at a time in the order received: which is what lets the pool know, when a worker dies,
 * exactly which task was running.
 *
 * Results go out in batches (result-writer.ts): they are written before a task that may be long (one of its
 * function's recent runs took QUICK_MS or more, or it has not run yet), before and after a task with a timeout or
 * abort signal (the pool must see it start and end), whenever a task awaits, when no task is left, and at most
 * BATCH_MS after the first of them. The price: a function whose runs were all quick and whose next run is long
 * (synchronous) holds back the results of the tasks that finished in the last BATCH_MS before it until it ends (or
 * its worker is killed: they are read from the journal then). Without a journal (the file could not be written),
 * each result is written before the next task starts.
 *
 * @module
 */
import type { FunctionRef } from '@multiproc/process';
import type { Connection } from '@multiproc/pipe';
import { TaskKind } from '../engine.js';
import { Msg, type FromWorker, type ToWorker } from './protocol.js';
import { ResultWriter } from './result-writer.js';
import { importTaskFunction, TaskFunctions, type TaskFn } from './task-functions.js';
import { TaskListReader } from './task-list.js';

/** With a journal, results are written in batches at most this many ms old. */
const BATCH_MS = 1;
/**
 * Results wait for the next task only if its function's recent runs all took less than this (ms):
 * a result is not held back behind a task that may be long. A function not run yet counts as long.
 */
const QUICK_MS = 0.1;
/** How slowly a function's longest recent run is forgotten: × this per run (a 10 ms run counts for about 500 runs). */
const RECENT_DECAY = 0.99;

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';

/** Calls `fn` on one item of a map (the item) or starmap (the item's arguments) chunk. */
const callItem = (fn: TaskFn, kind: TaskKind, item: unknown) => (kind === TaskKind.Map ? fn(item) : fn(...(item as unknown[])));

/**
 * Runs one task: its value, or a promise of it (over a chunk, the items of a synchronous function run without an await
 * each). A call with up to 3 args gets them as `a0`–`a2` (no array is made for them); otherwise `payload` holds its
 * args, or the chunk's items.
 */
function runTask(fn: TaskFn, kind: TaskKind, payload: unknown[] | undefined, n: number, a0: unknown, a1: unknown, a2: unknown): unknown {
  if (!payload) return n === 0 ? fn() : n === 1 ? fn(a0) : n === 2 ? fn(a0, a1) : fn(a0, a1, a2);
  if (kind === TaskKind.Call) return fn(...payload);
  const out = new Array(payload.length);
  for (let i = 0; i < payload.length; i++) {
    const value = callItem(fn, kind, payload[i]);
    if (isThenable(value)) return finishChunk(fn, kind, payload, out, i, value);
    out[i] = value;
  }
  return out;
}

/** The rest of a chunk once one item returned a promise. */
async function finishChunk(fn: TaskFn, kind: TaskKind, payload: unknown[], out: unknown[], from: number, pending: PromiseLike<unknown>): Promise<unknown[]> {
  out[from] = await pending;
  for (let i = from + 1; i < payload.length; i++) {
    const value = callItem(fn, kind, payload[i]);
    out[i] = isThenable(value) ? await value : value;
  }
  return out;
}

/** Runs the tasks the pool sends, in order (see the module comment). */
class TaskRunner {
  readonly #conn: Connection<ToWorker | FromWorker>;
  readonly #functions = new TaskFunctions();
  readonly #tasks = new TaskListReader();
  readonly #results: ResultWriter;
  /** Each function's longest recent run, ms (decaying by RECENT_DECAY per run), by function id. */
  readonly #recentMax: number[] = []; // an array of numbers stores them unboxed, a Map boxes each
  /** Tasks the pool gave up on before they started. */
  readonly #skipped = new Set<number>();
  #running = false;
  /** The task running, or the last one run: its id and function (see `blame`). */
  #lastId = -1;
  #lastFnId = -1;

  constructor(conn: Connection<ToWorker | FromWorker>) {
    this.#conn = conn;
    this.#results = new ResultWriter(conn);
  }

  receive(message: ToWorker): void {
    if (message.t === Msg.Fn) this.#functions.define(message.id, message.ref);
    else if (message.t === Msg.Run) {
      this.#tasks.push(message.tasks);
      if (!this.#running) void this.#run().catch(fail);
    } else if (message.t === Msg.Skip) this.#skipped.add(message.id);
  }

  async #run(): Promise<void> {
    this.#running = true;
    const tasks = this.#tasks;
    const results = this.#results;
    const recentMax = this.#recentMax;
    while (tasks.next()) {
      const { id, fnId, kind, watched, n, payload, a0, a1, a2 } = tasks;
      if (this.#skipped.size > 0 && this.#skipped.delete(id)) {
        results.skipped(id, performance.now());
        continue;
      }
      this.#lastId = id;
      this.#lastFnId = fnId;
      if (results.since !== undefined && (watched || !((recentMax[fnId] ?? Infinity) < QUICK_MS))) await results.flush();
      const start = performance.now();
      let ok = true;
      let value: unknown;
      try {
        const fn = this.#functions.get(fnId) ?? (await this.#functions.load(fnId));
        value = runTask(fn, kind, payload, n, a0, a1, a2);
        if (isThenable(value)) value = await value;
      } catch (error) {
        ok = false;
        value = this.#functions.explain(fnId, error);
      }
      const end = performance.now();
      recentMax[fnId] = Math.max(end - start, (recentMax[fnId] ?? 0) * RECENT_DECAY);
      // Written at once (not journaled, if the socket takes it): a watched task's result, every result without a
      // journal (if the next task kills the worker, the pool knows which task ran), the last of the tasks queued
      // here, and a result that completes BATCH_MS of them.
      const writeNow = watched || !this.#conn.journaling || tasks.empty || end - (results.since ?? end) >= BATCH_MS;
      const behind = results.report(id, ok, value, end - start, writeNow, end);
      if (behind) await behind;
    }
    this.#running = false;
    results.idle();
  }

  /** Who to name for a stray rejection: the task running when Node noticed it, or the last one run. */
  blame(): string {
    if (this.#lastId < 0) return 'the initializer';
    return `task ${this.#lastId} (${this.#functions.name(this.#lastFnId)}) or one run just before it`;
  }
}

/**
 * A promise a task left rejected with no handler would end the worker (Node's default), and the pool would blame the
 * task running at that moment, which may be another, innocent one. The worker goes on instead; no task fails for it
 * (the one that left it already returned), and the rejection is written to the worker's stderr (the pool's, as a
 * worker inherits it), naming the task that probably left it. Node notices it only once the tasks run in one go are
 * done, so which task it was is a good guess, not a certainty.
 */
function reportStrayRejections(runner: TaskRunner): void {
  process.on('unhandledRejection', (reason) => {
    const who = runner.blame();
    const what = reason instanceof Error ? (reason.stack ?? String(reason)) : String(reason);
    process.stderr.write(`pool worker ${process.pid}: a promise rejected with no handler, left by ${who}. No task failed for it; the worker goes on.\n${what}\n`);
  });
}

/**
 * @internal The target of a pool's worker processes.
 * @param journal - where to journal results (see result-writer.ts); undefined: no journal.
 */
export async function poolWorker(conn: Connection<ToWorker | FromWorker>, initializer: FunctionRef | undefined, initargs: unknown[], journal?: string): Promise<void> {
  const runner = new TaskRunner(conn);
  reportStrayRejections(runner);
  if (initializer) await (await importTaskFunction(initializer)).fn(...initargs);
  await conn.send([Msg.Ready]);
  if (journal !== undefined) {
    try {
      conn.keepJournal(journal);
    } catch {
      // No journal: each result is written before the next task starts.
    }
  }
  for await (const message of conn as AsyncIterable<ToWorker>) runner.receive(message);
}

function fail(error: unknown): void {
  process.stderr.write(`pool worker ${process.pid}: ${String((error as Error)?.stack ?? error)}\n`);
  process.exit(70);
}
