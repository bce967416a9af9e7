/**
 * The pool worker: the target of every worker Process (child side). It runs
 * the initializer, then the tasks it receives, strictly one at a time in the
 * order received — which is what lets the pool know, when a worker dies,
 * exactly which task was running.
 *
 * @module
 */
import { loadFunction, type FunctionRef } from '@multiproc/process';
import type { Connection } from '@multiproc/pipe';
import { TaskKind, type FromWorker, type ResultTuple, type TaskTuple, type ToWorker } from './protocol.js';


const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';

/** Runs one task; over a chunk, a synchronous function is called without an await per item. */
async function runTask(fn: (...args: unknown[]) => unknown, kind: TaskKind, payload: unknown[]): Promise<unknown> {
  if (kind === TaskKind.Call) return await fn(...payload);
  const out = new Array(payload.length);
  for (let i = 0; i < payload.length; i++) {
    const value = kind === TaskKind.Map ? fn(payload[i]) : fn(...(payload[i] as unknown[]));
    out[i] = isThenable(value) ? await value : value;
  }
  return out;
}

/** @internal The target of a pool's worker processes. */
export async function poolWorker(conn: Connection<ToWorker | FromWorker>, initializer: FunctionRef | undefined, initargs: unknown[]): Promise<void> {
  if (initializer) await (await loadFunction(initializer, {})).fn(...initargs);
  await conn.send({ t: 'ready' });
  const functions = new Map<number, Promise<(...args: unknown[]) => unknown>>();
  const skipped = new Set<number>();
  const queue: TaskTuple[] = [];
  let running = false;
  let results: ResultTuple[] = [];

  // Resident memory costs a syscall to read: measured at most every 100 ms.
  let rss = 0;
  let rssAt = -Infinity;
  const send = (batch: ResultTuple[]) => {
    const now = performance.now();
    if (now - rssAt > 100) {
      rss = process.memoryUsage.rss();
      rssAt = now;
    }
    return conn.send({ t: 'done', results: batch, rss });
  };
  const flush = async () => {
    const batch = results;
    results = [];
    try {
      await send(batch);
    } catch (error) {
      if ((error as { code?: string }).code !== 'ERR_ENCODE') throw error;
      // Some result cannot be sent: each one alone, and the one that fails becomes that task's error.
      for (const result of batch) {
        await send([result]).catch((encodeError: unknown) => send([[result[0], false, encodeError, result[3]]]));
      }
    }
  };

  const run = async () => {
    running = true;
    while (queue.length > 0) {
      const [id, fnId, kind, payload] = queue.shift()!;
      if (skipped.delete(id)) continue;
      const start = performance.now();
      try {
        const fn = await functions.get(fnId)!;
        results.push([id, true, await runTask(fn, kind, payload), performance.now() - start]);
      } catch (error) {
        results.push([id, false, error, performance.now() - start]);
      }
      // Each result leaves before the next task starts (written to the socket by the time this await
      // resumes): if that task kills the worker, the pool knows exactly which task was running.
      await flush();
    }
    running = false;
  };

  for await (const message of conn as AsyncIterable<ToWorker>) {
    if (message.t === 'fn') {
      const loading = loadFunction(message.ref, {}).then((loaded) => loaded.fn as (...args: unknown[]) => unknown);
      loading.catch(() => {}); // reported by the tasks that use it
      functions.set(message.id, loading);
    } else if (message.t === 'run') {
      queue.push(...message.tasks);
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
