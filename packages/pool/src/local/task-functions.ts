/**
 * Child side: the task functions a pool worker was told about, by id, loaded once each. `importTaskFunction` is the
 * one place where a worker imports a module on a task's behalf (its initializer's, and every task function's).
 *
 * @module
 */
import { loadFunction, TargetNotFoundError, type FunctionRef } from '@multiproc/process';

/** A task function, as the worker calls it. */
export type TaskFn = (...args: unknown[]) => unknown;

/** A task function, and whether it was rebuilt from its source (no module exports it). */
interface Loaded {
  fn: TaskFn;
  fromSource: boolean;
}

/** Imports the module `ref` names (or builds a self-contained function from its source) and takes the function. */
export async function importTaskFunction(ref: FunctionRef): Promise<Loaded> {
  const { fn, fromSource } = await loadFunction(ref, {});
  return { fn: fn as TaskFn, fromSource };
}

/** See the module comment. */
export class TaskFunctions {
  /** Loaded functions by id: an array, read once per task. */
  readonly #loaded: Array<TaskFn | undefined> = [];
  readonly #loading = new Map<number, Promise<TaskFn>>();
  readonly #refs: FunctionRef[] = [];
  /** Rebuilt from source, by id (see {@link TaskFunctions.explain}). */
  readonly #fromSource: boolean[] = [];

  /** Starts loading function `id` (a failure is reported by the tasks that use it). */
  define(id: number, ref: FunctionRef): void {
    this.#refs[id] = ref;
    const loading = importTaskFunction(ref).then(({ fn, fromSource }) => {
      this.#fromSource[id] = fromSource;
      return (this.#loaded[id] = fn);
    });
    loading.catch(() => {});
    this.#loading.set(id, loading);
  }

  /** Function `id` if loaded (the common case: no await), else undefined: see {@link TaskFunctions.load}. */
  get(id: number): TaskFn | undefined {
    return this.#loaded[id];
  }

  /** Function `id`'s name, for messages. */
  name(id: number): string {
    return this.#refs[id]?.name || 'anonymous';
  }

  /**
   * What a task of function `id` threw, explained when it is the usual mistake: a function no module exports, sent by
   * its source, that uses a name the worker does not have (an import, or a variable of the calling module).
   */
  explain(id: number, error: unknown): unknown {
    if (!this.#fromSource[id] || !(error instanceof ReferenceError)) return error;
    const ref = this.#refs[id]!;
    const missing = /^(\S+) is not defined/.exec(error.message)?.[1] ?? 'a name';
    const what = ref.name ? `The task function '${ref.name}'` : 'The task function (an anonymous or inline one)';
    return new TargetNotFoundError(
      `${what} was sent to the pool's workers by its source, because ${ref.callerModule ?? 'its module'} does not export it, ` +
        `and it uses ${missing}, which a worker does not have (an import, or a variable of the calling module). ` +
        'Export the function from its module (workers then import it), or pass what it uses as arguments.',
      { cause: error },
    );
  }

  /** Function `id` once loaded; rejects with its loading error. */
  load(id: number): Promise<TaskFn> {
    return this.#loading.get(id) ?? Promise.reject(new Error(`pool worker: function ${id} was never defined`));
  }
}
