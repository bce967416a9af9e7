/**
 * The task list: how a batch of tasks travels from the local engine to a worker, both ends in this file (the
 * encoder runs in the parent, the reader in the worker).
 *
 * One flat array for a whole batch, not one per task: for each task its id, its function's id, its kind (plus
 * {@link WATCHED}), a count n, then n entries: a call's args themselves, or (Map/Starmap) 1 and the chunk's array
 * of items. A batch of calls with simple args is one array of primitives, with nothing per task for the encoder
 * to track, the decoder to allocate or the garbage collector to copy (inlined args against an array of args per
 * task: a burst of 20 000 no-op tasks on 2 workers ran 8–25% faster, interleaved A/B).
 *
 * @module
 */
import { TaskKind } from '../engine.js';
import { isWatched, type Task } from './task.js';

/** See the module comment. */
export type TaskList = unknown[];

/**
 * Added to a task's kind in a {@link TaskList}: the task has a timeout or an abort signal, so the pool must know
 * exactly when it runs: its worker writes out the results before it before it starts, and its own as soon as it ends.
 */
export const WATCHED = 8;

/** Entries of a task in a {@link TaskList} before its args or items. */
const HEADER = 4;

/** Parent side: the list of `tasks`, in order. Throws what reading a task's payload throws (it was not an array). */
export function encodeTaskList(tasks: readonly Task[]): TaskList {
  // Made at its final length (a list grown by push was copied as it grew).
  let length = 0;
  for (const task of tasks) length += HEADER + (task.kind === TaskKind.Call ? task.payload.length : 1);
  const list: TaskList = new Array(length);
  let at = 0;
  for (const task of tasks) {
    const payload = task.payload;
    list[at++] = task.id;
    list[at++] = task.fnId;
    list[at++] = isWatched(task) ? task.kind + WATCHED : task.kind;
    if (task.kind === TaskKind.Call) {
      list[at++] = payload.length;
      for (let i = 0; i < payload.length; i++) list[at++] = payload[i];
    } else {
      list[at++] = 1;
      list[at++] = payload;
    }
  }
  return list;
}

/**
 * Worker side: reads the tasks of the lists it is given, in order, one at a time. `next()` fills in the fields of
 * the reader itself (no object per task). A call with up to 3 args gets them as `a0`–`a2` and no `payload` (no array
 * is made for them); otherwise `payload` holds a call's args or a chunk's items. What it read is cleared from the
 * list: a batch must not keep a task's args alive while its other tasks run.
 */
export class TaskListReader {
  /** The task's id. */
  id = 0;
  /** Its function's id. */
  fnId = 0;
  /** How it calls its function. */
  kind: TaskKind = TaskKind.Call;
  /** It has a timeout or an abort signal (see {@link WATCHED}). */
  watched = false;
  /** A call's number of args (1 for a chunk). */
  n = 0;
  /** A call's args, or a chunk's items; undefined for a call with up to 3 args (`a0`–`a2`). */
  payload: unknown[] | undefined;
  a0: unknown;
  a1: unknown;
  a2: unknown;
  /** Lists not yet read to their end, the first read from `#at` on. */
  readonly #lists: TaskList[] = [];
  #at = 0;

  /** Queues the tasks of `list` behind those not read yet. */
  push(list: TaskList): void {
    this.#lists.push(list);
  }

  /** No task is left to read. */
  get empty(): boolean {
    const lists = this.#lists;
    return lists.length === 0 || (lists.length === 1 && this.#at >= lists[0]!.length);
  }

  /** Reads the next task into the fields: false when none is left. */
  next(): boolean {
    let list = this.#lists[0];
    while (list !== undefined && this.#at >= list.length) {
      this.#lists.shift();
      this.#at = 0;
      list = this.#lists[0];
    }
    if (list === undefined) return false;
    const at = this.#at;
    const flags = list[at + 2] as number;
    const n = list[at + 3] as number;
    const from = at + HEADER;
    const end = from + n;
    this.#at = end;
    this.id = list[at] as number;
    this.fnId = list[at + 1] as number;
    this.watched = flags >= WATCHED;
    const kind = (this.watched ? flags - WATCHED : flags) as TaskKind;
    this.kind = kind;
    this.n = n;
    const inline = kind === TaskKind.Call && n <= 3;
    this.payload = inline ? undefined : kind === TaskKind.Call ? list.slice(from, end) : (list[from] as unknown[]);
    this.a0 = inline && n > 0 ? list[from] : undefined;
    this.a1 = inline && n > 1 ? list[from + 1] : undefined;
    this.a2 = inline && n > 2 ? list[from + 2] : undefined;
    for (let i = from; i < end; i++) list[i] = undefined;
    return true;
  }
}
