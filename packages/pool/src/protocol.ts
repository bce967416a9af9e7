/**
 * Messages between the pool and a worker, on the worker's Pipe. Tasks and
 * results travel in batches (one message per batch) so a burst costs few
 * encodes and few syscalls.
 *
 * @module
 */
import type { FunctionRef } from '@multiproc/process';

/** How a task calls its function: `fn(...args)`, or over a chunk of items (map/starmap). */
export const enum TaskKind {
  Call = 0,
  Map = 1,
  Starmap = 2,
}

/** One task: [task id, function id, kind, args (Call) or items (Map/Starmap)]. */
export type TaskTuple = [id: number, fn: number, kind: TaskKind, payload: unknown[]];

/** One result: [task id, ok, value or error, run time in ms]. */
export type ResultTuple = [id: number, ok: boolean, value: unknown, ms: number];

/** Pool → worker. */
export type ToWorker =
  /** A function the tasks that follow refer to by `id`. */
  | { t: 'fn'; id: number; ref: FunctionRef }
  /** Tasks to run, in order. */
  | { t: 'run'; tasks: TaskTuple[] }
  /** Skip this task if it has not started (its caller gave up). */
  | { t: 'skip'; id: number };

/** Worker → pool. */
export type FromWorker =
  /** The initializer ran; tasks may come. */
  | { t: 'ready' }
  /** Finished tasks, in order, and the worker's resident memory. */
  | { t: 'done'; results: ResultTuple[]; rss: number };
