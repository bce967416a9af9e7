/**
 * The facade's table of task functions: each function gets an id the first time it is submitted, and an engine
 * reads its reference and name by that id (the {@link FunctionCatalog} it is given).
 *
 * @module
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { callerModule, describeFunction, type FunctionRef, type ModuleLocation } from '@multiproc/process';
import { InvalidArgumentError } from '@multiproc/wire';
import type { FunctionCatalog } from './engine.js';

/** This package's directory: its frames are skipped when looking for the module that called the pool. */
const ownDir = dirname(dirname(fileURLToPath(import.meta.url)));

/** A task: a function (exported from its module, or self-contained), or the name of an export with `options.module`. */
export type TaskFunction = ((...args: any[]) => unknown) | string;

/** The module of the code that called the pool (outside this package), where a task function is looked for first. */
export const poolCaller = (): string | undefined => callerModule([ownDir]);

/** See the module comment. */
export class FunctionTable implements FunctionCatalog {
  readonly #ids = new WeakMap<object, number>();
  /** Functions by where they are found (and their source): closures made again per call share one id. */
  readonly #idsByKey = new Map<string, number>();
  readonly #refs: FunctionRef[] = [];
  readonly #names: string[] = [];

  ref(id: number): FunctionRef {
    return this.#refs[id]!;
  }

  name(id: number): string {
    return this.#names[id]!;
  }

  /**
   * The id of `fn` (found in `module` if given), registering it the first time.
   * @throws {InvalidArgumentError} `ERR_INVALID_ARGUMENT` when it is neither a function nor a name; what
   *   `describeFunction` throws when it cannot be found.
   */
  idOf(fn: TaskFunction, module: ModuleLocation | undefined, call: string): number {
    if (typeof fn === 'function') {
      const known = this.#ids.get(fn);
      if (known !== undefined) return known;
      // A new closure each call (pool.apply((x) => x + 1, …) in a loop) is the same function to a worker: keyed by
      // where it is found and its source, it is registered once. (Its name too: two closures of the same source may
      // be called different names, which errors must show.)
      const ref = describeFunction(fn, { module }, poolCaller(), call);
      const id = this.#register(`${fn.name}\0${JSON.stringify(ref.candidates)}\0${ref.source ?? ''}`, () => ref, fn.name);
      this.#ids.set(fn, id);
      return id;
    }
    if (typeof fn !== 'string') throw new InvalidArgumentError(`${call}: the task must be a function or an export name, got ${typeof fn}.`);
    const key = `${String(module && (typeof module === 'object' && 'url' in module ? module.url : module))}#${fn}`;
    return this.#register(key, () => describeFunction(fn, { module }, undefined, call), fn);
  }

  #register(key: string, describe: () => FunctionRef, name: string): number {
    let id = this.#idsByKey.get(key);
    if (id === undefined) {
      id = this.#refs.push(describe()) - 1;
      this.#names[id] = name;
      this.#idsByKey.set(key, id);
    }
    return id;
  }
}
