/**
 * Child side: the task functions a pool worker was told about, by id, loaded once each. `importTaskFunction` is the
 * one place where a worker imports a module on a task's behalf (its initializer's, and every task function's).
 *
 * @module
 */
import { loadFunction, type FunctionRef } from '@multiproc/process';

/** A task function, as the worker calls it. */
export type TaskFn = (...args: unknown[]) => unknown;

/** Imports the module `ref` names (or builds a self-contained function from its source) and takes the function. */
export async function importTaskFunction(ref: FunctionRef): Promise<TaskFn> {
  return (await loadFunction(ref, {})).fn as TaskFn;
}

/** See the module comment. */
export class TaskFunctions {
  /** Loaded functions by id: an array, read once per task. */
  readonly #loaded: Array<TaskFn | undefined> = [];
  readonly #loading = new Map<number, Promise<TaskFn>>();
  readonly #names: string[] = [];

  /** Starts loading function `id` (a failure is reported by the tasks that use it). */
  define(id: number, ref: FunctionRef): void {
    this.#names[id] = ref.name;
    const loading = importTaskFunction(ref).then((fn) => (this.#loaded[id] = fn));
    loading.catch(() => {});
    this.#loading.set(id, loading);
  }

  /** Function `id` if loaded (the common case: no await), else undefined: see {@link TaskFunctions.load}. */
  get(id: number): TaskFn | undefined {
    return this.#loaded[id];
  }

  /** Function `id`'s name, for messages. */
  name(id: number): string {
    return this.#names[id] || 'anonymous';
  }

  /** Function `id` once loaded; rejects with its loading error. */
  load(id: number): Promise<TaskFn> {
    return this.#loading.get(id) ?? Promise.reject(new Error(`pool worker: function ${id} was never defined`));
  }
}
