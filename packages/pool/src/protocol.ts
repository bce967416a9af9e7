/**
 * Messages between the pool and a worker, on the worker's Pipe. Tasks travel
 * in batches (one message per batch); results one message each, as each task
 * finishes (the worker journals each, and writes them in batches).
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

/**
 * Added to a task's kind in a {@link TaskList}: the task has a timeout or an abort signal, so the
 * pool must know exactly when it runs — its worker writes the results before it out before it
 * starts, and its own result as soon as it ends.
 */
export const WATCHED = 8;

/**
 * Tasks, flat: task id, function id, kind (plus {@link WATCHED}), a count n, then n entries — a call's
 * args themselves, or (Map/Starmap) 1 and the chunk's array of items. One array for a whole batch,
 * not one per task: a batch of calls with simple args is one array of primitives, with nothing per
 * task for the encoder to track, the decoder to allocate or the garbage collector to copy.
 */
export type TaskList = unknown[];

/** Entries of a task in a {@link TaskList} before its args or items. */
export const TASK_HEADER = 4;

/**
 * The tag (`t`) of each message. Numbers, not strings: one message per task each way, and a number
 * decodes to no new object where a string decodes to a new string each time.
 */
export const enum Msg {
  Fn = 1,
  Run = 2,
  Skip = 3,
  Ready = 4,
  Done = 5,
  Failed = 6,
}

/** Pool → worker. */
export type ToWorker =
  /** A function the tasks that follow refer to by `id`. */
  | { t: Msg.Fn; id: number; ref: FunctionRef }
  /** Tasks to run, in order. */
  | { t: Msg.Run; tasks: TaskList }
  /** Skip this task if it has not started (its caller gave up). */
  | { t: Msg.Skip; id: number };

/**
 * Worker → pool: tuples, the tag first. One goes per task: a tuple of four numbers and a value encodes in
 * two thirds of the time of an object with the same fields (msgpackr: 0.21 against 0.31 µs here), to half the bytes.
 */
export type FromWorker =
  /** The initializer ran; tasks may come. */
  | readonly [t: Msg.Ready]
  /**
   * A finished task: its value (Done) or error (Failed), its run time in whole µs, and, in the first result
   * after the worker measured it (at most every 100 ms), its resident memory in bytes.
   */
  | readonly [t: Msg.Done | Msg.Failed, id: number, value: unknown, us: number, rss?: number];

/** A finished task's message (see {@link FromWorker}). */
export type TaskDone = Extract<FromWorker, readonly [Msg.Done | Msg.Failed, ...unknown[]]>;
