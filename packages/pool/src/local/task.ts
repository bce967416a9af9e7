/**
 * A task, as the local engine (parent side) tracks it from submission to settlement.
 *
 * Pending tasks are what a burst keeps alive: 100 000 `apply()` calls awaited at once are 100 000 of these,
 * each with its promise and resolving function, and every one of them survives a scavenge or two before it
 * settles. So a task is kept small: eight fields, what few tasks have (a timeout, retries, an abort listener)
 * in a second object only they carry, its function's name looked up by id, and one resolving function where
 * a promise gives two (a rejection goes through it, see {@link Rejection}).
 *
 * @module
 */
import type { TaskKind } from '../engine.js';

/** Where a task is. */
export const enum TaskState {
  /** In the pool's queue. */
  Queued = 0,
  /** Sent to a worker (it may be running). */
  Sent = 1,
  /** Resolved or rejected: nothing more happens to it. */
  Settled = 2,
}

/** What only some tasks have: one object for those, none for the others. */
interface TaskExtras {
  timeout: number | undefined;
  retriesLeft: number;
  /** Removes the abort listener. */
  cleanup: (() => void) | undefined;
}

/**
 * Rejects the promise it resolves: `resolve(new Rejection(error))` rejects with `error`, one microtask later than
 * `reject(error)` would. A pending task keeps its promise's resolve function only (its reject function dies young,
 * never copied by the garbage collector); failures are the rare case.
 */
class Rejection {
  readonly #error: unknown;
  constructor(error: unknown) {
    this.#error = error;
  }

  then(_resolve: unknown, reject: (error: unknown) => void): void {
    reject(this.#error);
  }
}

/**
 * See the module comment. An object literal made by {@link newTask}, not a class instance, with functions beside
 * it: V8 tracks where a literal is made, sees that nearly every task survives the young generation, and then makes
 * them in the old one at once (pretenuring), where a class instance is always made young and copied out (a burst of
 * a million no-op tasks: a quarter fewer scavenges; see commit fd9075b).
 */
export interface Task {
  readonly id: number;
  readonly fnId: number;
  readonly kind: TaskKind;
  /** A call's args, or a map/starmap chunk's items. */
  readonly payload: unknown[];
  state: TaskState;
  /**
   * Queued: when it was queued (`performance.now()`); sent: how long it waited for a worker, ms. (One number, not
   * two: each costs a box of its own. A task queued again after its worker died counts the time it waits again.)
   */
  time: number;
  /** Its promise's resolve function: the only one it keeps (see {@link settle}). */
  readonly resolve: (value: unknown) => void;
  /** Only for tasks with a timeout, retries or an abort signal. */
  extras: TaskExtras | undefined;
}

/** A new task, queued now. */
export function newTask(id: number, fnId: number, kind: TaskKind, payload: unknown[], resolve: (value: unknown) => void, timeout: number | undefined, retries: number): Task {
  return {
    id,
    fnId,
    kind,
    payload,
    state: TaskState.Queued,
    time: performance.now(),
    resolve,
    extras: timeout === undefined && retries === 0 ? undefined : { timeout, retriesLeft: retries, cleanup: undefined },
  };
}

/** It has been resolved or rejected. */
export const isSettled = (task: Task): boolean => task.state === TaskState.Settled;

/** ms it may run (undefined: no limit). */
export const timeoutOf = (task: Task): number | undefined => task.extras?.timeout;

/**
 * It has a timeout or an abort signal: the pool must know exactly when it runs (see `WATCHED` in task-list.ts), and an
 * eager dispatch does not send it (see scheduler.ts).
 */
export function isWatched(task: Task): boolean {
  const extras = task.extras;
  return extras !== undefined && (extras.timeout !== undefined || extras.cleanup !== undefined);
}

/** `cleanup` removes the task's abort listener; it runs when the task settles. */
export function watchAbort(task: Task, cleanup: () => void): void {
  (task.extras ??= { timeout: undefined, retriesLeft: 0, cleanup: undefined }).cleanup = cleanup;
}

/** It may run again if its worker dies while it runs. */
export const hasRetries = (task: Task): boolean => (task.extras?.retriesLeft ?? 0) > 0;

/** Uses up one of its retries (see {@link hasRetries}). */
export function useRetry(task: Task): void {
  if (task.extras !== undefined && task.extras.retriesLeft > 0) task.extras.retriesLeft--;
}

/** Taken by a worker at `now`: returns how long it waited, ms. */
export function markSent(task: Task, now: number): number {
  task.state = TaskState.Sent;
  return (task.time = now - task.time);
}

/** Back in the queue (its worker died before running it, or while it ran and it has retries). */
export function markQueued(task: Task, now: number): void {
  if (task.state !== TaskState.Sent) return;
  task.state = TaskState.Queued;
  task.time = now - task.time; // as if queued as long ago as it had waited
}

/** Resolves the task with `value` (`ok`) or rejects it with it, once: false when it had settled already. */
export function settle(task: Task, ok: boolean, value: unknown): boolean {
  if (task.state === TaskState.Settled) return false;
  task.state = TaskState.Settled;
  task.extras?.cleanup?.();
  task.resolve(ok ? value : new Rejection(value));
  return true;
}
