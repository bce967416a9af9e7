/**
 * The pool worker: the target of every worker Process (child side). It runs
 * the initializer, then the tasks it receives, strictly one at a time in the
 * order received — which is what lets the pool know, when a worker dies,
 * exactly which task was running.
 *
 * Each result is journaled (`Connection.keepJournal`) before the next task
 * starts, so the worker sends results in batches — one socket write for the
 * quick tasks it runs in one go — and a crash still loses none: the pool reads
 * the journal after the worker's death and takes the results it missed. The
 * first task without a result is then the one that was running. Results are
 * written before a task that may be long (one of its function's recent runs
 * took QUICK_MS or more, or it has not run yet), before and after a task with a
 * timeout or abort signal (the pool must see it start and end), whenever a
 * task awaits, and at most BATCH_MS after the first of them. The price: a
 * function whose runs were all quick and whose next run is long (synchronous)
 * holds back the results of the tasks that finished in the last BATCH_MS
 * before it until it ends (or its worker is killed: they are read from the
 * journal then). Without a journal (the file could not be
 * written), each result is written before the next task starts. A result
 * written at once is journaled only if the socket cannot take it
 * (`Connection.sendNow`): a worker running one task at a time, whose every
 * result goes out at once, makes no file write.
 *
 * @module
 */
import { loadFunction, type FunctionRef } from '@multiproc/process';
import type { Connection } from '@multiproc/pipe';
import { isUnsendable } from '@multiproc/wire';
import { Msg, TASK_HEADER, TaskKind, WATCHED, type FromWorker, type TaskList, type ToWorker } from './protocol.js';

type TaskFn = (...args: unknown[]) => unknown;

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

/**
 * @internal The target of a pool's worker processes.
 * @param journal - where to journal results (see the module comment); undefined: no journal.
 */
export async function poolWorker(conn: Connection<ToWorker | FromWorker>, initializer: FunctionRef | undefined, initargs: unknown[], journal?: string): Promise<void> {
  if (initializer) await (await loadFunction(initializer, {})).fn(...initargs);
  await conn.send([Msg.Ready]);
  if (journal !== undefined) {
    try {
      conn.keepJournal(journal);
    } catch {
      // No journal: each result is written before the next task starts.
    }
  }
  const loading = new Map<number, Promise<TaskFn>>();
  const loaded = new Map<number, TaskFn>();
  /** Each function's longest recent run, ms (decaying by RECENT_DECAY per run). */
  const recentMax: number[] = []; // by function id: an array of numbers stores them unboxed, a Map boxes each
  const skipped = new Set<number>();
  /** Tasks to run: the batches as they arrived (see TaskList), the first one read from `at` on. */
  const batches: TaskList[] = [];
  let at = 0;
  /** True when no task is left to run after the one just taken. */
  const noTaskLeft = () => batches.length === 1 && at >= batches[0]!.length;
  let running = false;

  /** The message of every result but those carrying rss (see `report`). */
  const result: [Msg.Done | Msg.Failed, number, unknown, number] = [Msg.Done, 0, undefined, 0];
  // Resident memory costs a syscall to read: measured at most every 100 ms.
  let rss = 0;
  let rssAt = -Infinity;
  /**
   * Sends one result: written now (`writeNow`), or else queued and journaled (if there is a journal) before this returns.
   * `now` is the time the task ended. False: the pool is behind.
   */
  const report = (id: number, ok: boolean, value: unknown, ms: number, writeNow: boolean, now: number): boolean => {
    const us = Math.round(ms * 1000);
    const measured = now - rssAt > 100;
    if (measured) {
      rss = process.memoryUsage.rss();
      rssAt = now;
    }
    // One array for every result but those carrying rss: a message is encoded when sent, and not kept.
    const message: [Msg.Done | Msg.Failed, number, unknown, number, number?] = measured ? [Msg.Done, id, value, us, rss] : result;
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
  };

  /** Results sent (journaled) and not yet written: the first one's time, or undefined. */
  let unwrittenSince: number | undefined;
  /** Lets the queued results be written (one batch): any await does, as the channel writes at the end of the tick's microtasks. */
  const write = async () => {
    await null;
    unwrittenSince = undefined;
  };

  const run = async () => {
    running = true;
    while (batches.length > 0) {
      const list = batches[0]!;
      if (at >= list.length) {
        batches.shift();
        at = 0;
        continue;
      }
      const id = list[at] as number;
      const fnId = list[at + 1] as number;
      const flags = list[at + 2] as number;
      const n = list[at + 3] as number;
      const from = at + TASK_HEADER;
      at = from + n;
      const watched = flags >= WATCHED;
      const kind = (watched ? flags - WATCHED : flags) as TaskKind;
      // Taken out of the batch, which must not keep them alive while its other tasks run.
      const inline = kind === TaskKind.Call && n <= 3;
      const payload = inline ? undefined : kind === TaskKind.Call ? list.slice(from, at) : (list[from] as unknown[]);
      const a0 = inline && n > 0 ? list[from] : undefined;
      const a1 = inline && n > 1 ? list[from + 1] : undefined;
      const a2 = inline && n > 2 ? list[from + 2] : undefined;
      for (let i = from; i < at; i++) list[i] = undefined;
      if (skipped.delete(id)) continue;
      if (unwrittenSince !== undefined && (watched || !((recentMax[fnId] ?? Infinity) < QUICK_MS))) await write();
      const start = performance.now();
      let ok = true;
      let value: unknown;
      try {
        const fn = loaded.get(fnId) ?? (await loading.get(fnId))!;
        value = runTask(fn, kind, payload, n, a0, a1, a2);
        if (isThenable(value)) value = await value;
      } catch (error) {
        ok = false;
        value = error;
      }
      const end = performance.now();
      recentMax[fnId] = Math.max(end - start, (recentMax[fnId] ?? 0) * RECENT_DECAY);
      // Written at once (not journaled, if the socket takes it: see Connection.sendNow): a watched task's
      // result, every result without a journal (if the next task kills the worker, the pool knows which
      // task ran), the last of the tasks queued here, and a result that completes BATCH_MS of them.
      const writeNow = watched || !conn.journaling || noTaskLeft() || end - (unwrittenSince ?? end) >= BATCH_MS;
      const caughtUp = report(id, ok, value, end - start, writeNow, end);
      unwrittenSince = writeNow ? undefined : (unwrittenSince ?? end);
      if (!caughtUp) {
        await conn.drained();
        unwrittenSince = undefined;
      }
    }
    running = false;
    unwrittenSince = undefined; // written as this returns (the channel's write is the next microtask)
  };

  for await (const message of conn as AsyncIterable<ToWorker>) {
    if (message.t === Msg.Fn) {
      const { id } = message;
      const fn = loadFunction(message.ref, {}).then((found) => {
        loaded.set(id, found.fn as TaskFn);
        return found.fn as TaskFn;
      });
      fn.catch(() => {}); // reported by the tasks that use it
      loading.set(id, fn);
    } else if (message.t === Msg.Run) {
      batches.push(message.tasks);
      if (!running) void run().catch(fail);
    } else if (message.t === Msg.Skip) {
      skipped.add(message.id);
    }
  }
}

function fail(error: unknown): void {
  process.stderr.write(`pool worker ${process.pid}: ${String((error as Error)?.stack ?? error)}\n`);
  process.exit(70);
}
