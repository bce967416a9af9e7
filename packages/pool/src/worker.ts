/**
 * The pool worker: the target of every worker Process (child side). It runs
 * the initializer, then the tasks it receives, strictly one at a time in the
 * order received — which is what lets the pool know, when a worker dies,
 * exactly which task was running.
 *
 * Each result is journaled (`Connection.keepJournal`) before the next task
 * starts, so the worker sends results in batches — one socket write for all
 * the tasks it runs in one go — and a crash still loses none: the pool reads
 * the journal after the worker's death and takes the results it missed. The
 * first task without a result is then the one that was running. Without a
 * journal (the file could not be written), each result is written before the
 * next task starts.
 *
 * @module
 */
import { loadFunction, type FunctionRef } from '@multiproc/process';
import type { Connection } from '@multiproc/pipe';
import { TASK_FIELDS, TaskKind, type FromWorker, type TaskList, type ToWorker } from './protocol.js';

type TaskFn = (...args: unknown[]) => unknown;

/** With a journal, results are written in batches at most this many ms old. */
const BATCH_MS = 1;

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';

/** Runs one task: its value, or a promise of it (over a chunk, the items of a synchronous function run without an await each). */
function runTask(fn: TaskFn, kind: TaskKind, payload: unknown[]): unknown {
  if (kind === TaskKind.Call) return fn(...payload);
  const out = new Array(payload.length);
  for (let i = 0; i < payload.length; i++) {
    const value = kind === TaskKind.Map ? fn(payload[i]) : fn(...(payload[i] as unknown[]));
    if (isThenable(value)) return finishChunk(fn, kind, payload, out, i, value);
    out[i] = value;
  }
  return out;
}

/** The rest of a chunk once one item returned a promise. */
async function finishChunk(fn: TaskFn, kind: TaskKind, payload: unknown[], out: unknown[], from: number, pending: PromiseLike<unknown>): Promise<unknown[]> {
  out[from] = await pending;
  for (let i = from + 1; i < payload.length; i++) {
    const value = kind === TaskKind.Map ? fn(payload[i]) : fn(...(payload[i] as unknown[]));
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
  await conn.send({ t: 'ready' });
  if (journal !== undefined) {
    try {
      conn.keepJournal(journal);
    } catch {
      // No journal: each result is written before the next task starts.
    }
  }
  const loading = new Map<number, Promise<TaskFn>>();
  const loaded = new Map<number, TaskFn>();
  const skipped = new Set<number>();
  /** Tasks to run, flat as they arrive (see TaskList). */
  const queue: TaskList = [];
  let queueHead = 0;
  let running = false;

  // Resident memory costs a syscall to read: measured at most every 100 ms.
  let rss = 0;
  let rssAt = -Infinity;
  /** Queues one result (journaled, if there is a journal, before this returns). False: the pool is behind. */
  const report = (id: number, ok: boolean, value: unknown, ms: number): boolean => {
    const now = performance.now();
    if (now - rssAt > 100) {
      rss = process.memoryUsage.rss();
      rssAt = now;
    }
    try {
      return conn.trySend({ t: 'done', id, ok, value, ms, rss });
    } catch (error) {
      if ((error as { code?: string }).code !== 'ERR_ENCODE') throw error;
      // The value cannot be sent: the encode error becomes the task's error.
      return conn.trySend({ t: 'done', id, ok: false, value: error, ms, rss });
    }
  };

  const run = async () => {
    running = true;
    let flushAt = performance.now() + BATCH_MS;
    while (queueHead < queue.length) {
      const id = queue[queueHead] as number;
      const fnId = queue[queueHead + 1] as number;
      const kind = queue[queueHead + 2] as TaskKind;
      const payload = queue[queueHead + 3] as unknown[];
      queue[queueHead + 3] = undefined as unknown as unknown[];
      queueHead += TASK_FIELDS;
      if (skipped.delete(id)) continue;
      const start = performance.now();
      let ok = true;
      let value: unknown;
      try {
        const fn = loaded.get(fnId) ?? (await loading.get(fnId))!;
        value = runTask(fn, kind, payload);
        if (isThenable(value)) value = await value;
      } catch (error) {
        ok = false;
        value = error;
      }
      const caughtUp = report(id, ok, value, performance.now() - start);
      // Every await lets the queued results be written (one batch). Without a journal that must
      // happen before the next task starts: if it kills the worker, the pool knows which task ran.
      if (!caughtUp) await conn.drained();
      else if (!conn.journaling || performance.now() >= flushAt) {
        await null;
        flushAt = performance.now() + BATCH_MS;
      }
    }
    queue.length = 0;
    queueHead = 0;
    running = false;
  };

  for await (const message of conn as AsyncIterable<ToWorker>) {
    if (message.t === 'fn') {
      const { id } = message;
      const fn = loadFunction(message.ref, {}).then((found) => {
        loaded.set(id, found.fn as TaskFn);
        return found.fn as TaskFn;
      });
      fn.catch(() => {}); // reported by the tasks that use it
      loading.set(id, fn);
    } else if (message.t === 'run') {
      for (const entry of message.tasks) queue.push(entry);
      if (!running) void run().catch(fail);
    } else if (message.t === 'skip') {
      skipped.add(message.id);
    }
  }
}

function fail(error: unknown): void {
  process.stderr.write(`pool worker ${process.pid}: ${String((error as Error)?.stack ?? error)}\n`);
  process.exit(70);
}
