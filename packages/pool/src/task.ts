/**
 * A task, as the pool (parent side) tracks it from submission to settlement.
 *
 * @module
 */
import { TASK_HEADER, TaskKind, WATCHED, type TaskList } from './protocol.js';

/** Per-task options. */
export interface TaskOptions {
  /** ms the task may run; past it its worker is killed and replaced, and only this task rejects (`ERR_TIMEOUT`). @default the pool's taskTimeout */
  timeout?: number | undefined;
  /** Aborts the task: removed if still queued; its worker killed and replaced if running (`ERR_ABORTED`). */
  signal?: AbortSignal | undefined;
  /** How many times to run it again if its worker crashes (only for tasks safe to repeat). @default the pool's retries (0) */
  retries?: number | undefined;
}

/** See the module comment. */
export interface Task {
  readonly id: number;
  readonly fnId: number;
  readonly fnName: string;
  readonly kind: TaskKind;
  readonly payload: unknown[];
  readonly timeout: number | undefined;
  retriesLeft: number;
  settled: boolean;
  readonly submittedAt: number;
  sentAt: number;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  /** Removes the abort listener, if it has one. */
  cleanup: (() => void) | undefined;
}

/** The task has a timeout or an abort signal (see {@link WATCHED}). */
export const isWatched = (task: Task): boolean => task.timeout !== undefined || task.cleanup !== undefined;

/** The wire form of tasks (see {@link TaskList}). */
export function taskList(tasks: Task[]): TaskList {
  // Made at its final length (a list grown by push was copied as it grew).
  let length = 0;
  for (const task of tasks) length += TASK_HEADER + (task.kind === TaskKind.Call ? task.payload.length : 1);
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
