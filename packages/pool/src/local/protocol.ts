/**
 * Messages between the local engine and a worker, on the worker's Pipe. Tasks
 * travel in batches (one message per batch, a task list: see task-list.ts);
 * results one message each, as each task finishes (the worker journals each,
 * and writes them in batches).
 *
 * @module
 */
import type { FunctionRef } from '@multiproc/process';
import type { TaskList } from './task-list.js';

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
  Skipped = 7,
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
  | readonly [t: Msg.Done | Msg.Failed, id: number, value: unknown, us: number, rss?: number]
  /**
   * A task it skipped, as told (Skip): every task sent is answered, in order, by a result or this, so the pool always
   * knows how many tasks a worker still holds.
   */
  | readonly [t: Msg.Skipped, id: number];

/** A finished task's message (see {@link FromWorker}). */
export type TaskDone = Extract<FromWorker, readonly [Msg.Done | Msg.Failed, ...unknown[]]>;
