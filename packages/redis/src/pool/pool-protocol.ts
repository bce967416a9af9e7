/**
 * What travels between a Pool's caller and its agents, both sides in one file: a batch of tasks (one item of the
 * pool's task queue, taken and acknowledged as one) and a task's outcome (an entry of the caller's result list).
 * Both are encoded by the backend's value codec (msgpack, sealed with the payload key if there is one).
 *
 * @module
 */
import type { PortableFunction } from './portable-function.js';

/** One task of a batch. */
export interface BatchTask {
  /** The task's id, unique in the pool: `<caller inbox>:<n>`. */
  id: string;
  /** The function: an index into the batch's `functions`. */
  fn: number;
  /** How to call it (engine.ts's TaskKind: 0 call, 1 map, 2 starmap). */
  kind: number;
  /** Arguments (call) or items (map, starmap). */
  payload: unknown[];
  /** ms it may run, or null. */
  timeout: number | null;
  /** Runs again if its worker process dies while running it. */
  retries: number;
}

/** A batch: tasks one caller submitted together. */
export interface TaskBatch {
  /** The batch's id (its first task's). */
  id: string;
  /** The caller's inbox (`<client>/<n>`: one per Pool of the caller), where the results go. */
  caller: string;
  /** After this many deliveries (agents that died holding it), its tasks fail with WorkerCrashedError. */
  maxDeliveries: number;
  functions: PortableFunction[];
  tasks: BatchTask[];
}

/** A task's outcome, as its caller reads it. */
export type TaskOutcome = { ok: true; value: unknown } | { ok: false; error: unknown };
