/**
 * The local engine's queue of tasks waiting for a worker: an array read from a head index (a shift would move
 * every task behind it), compacted now and then.
 *
 * @module
 */
import { markQueued, type Task } from './task.js';

/** See the module comment. */
export class TaskQueue {
  readonly #tasks: Task[] = [];
  #head = 0;

  /** Tasks waiting (settled ones not yet taken out included). */
  get length(): number {
    return this.#tasks.length - this.#head;
  }

  /** The `i`th waiting task from the head (0: the head), or undefined. */
  at(i: number): Task | undefined {
    return this.#tasks[this.#head + i];
  }

  /** Queues `task` at the tail. */
  push(task: Task): void {
    this.#tasks.push(task);
  }

  /** Takes the head task out. */
  shift(): Task | undefined {
    const tasks = this.#tasks;
    if (this.#head >= tasks.length) return undefined;
    const task = tasks[this.#head]!;
    tasks[this.#head++] = undefined as unknown as Task;
    if (this.#head > 1024 && this.#head * 2 > tasks.length) {
      tasks.splice(0, this.#head);
      this.#head = 0;
    }
    return task;
  }

  /** Puts tasks back at the head, in order (their worker died before it could run them). */
  requeue(tasks: readonly Task[]): void {
    if (tasks.length === 0) return;
    const now = performance.now();
    for (const task of tasks) markQueued(task, now);
    this.#tasks.splice(this.#head, 0, ...tasks);
  }
}
