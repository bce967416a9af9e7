/**
 * The types that let a pool call be checked against its function: `pool.apply(fn, args)` takes `Parameters<typeof fn>`
 * and resolves with `Awaited<ReturnType<typeof fn>>`; `map` and `imap` take items of its first parameter; `starmap`
 * tuples of its parameters. A function named by its export (`apply('resize', args, { module })`) is not checked: its
 * result type is given instead (`apply<Size>('resize', …)`).
 *
 * @module
 */
import type { ModuleLocation } from '@multiproc/process';
import type { ImapOptions } from './map-tasks.js';
import type { AsyncOptions, MapOptions, TaskOptions } from './pool-options.js';

/** Any function a task may call (its arguments and result cross processes). */
export type AnyTaskFunction = (...args: any[]) => unknown;

/** A function `map`/`imap` may call on each item (it takes one argument). */
export type ItemFunction = (item: any) => unknown;

/** What a task of `F` resolves with. */
export type TaskResult<F extends AnyTaskFunction> = Awaited<ReturnType<F>>;

/** The item type of `map`/`imap` with `F`. */
export type ItemOf<F extends ItemFunction> = Parameters<F>[0];

/** Items, as `map`/`imap` take them: any iterable or async iterable. */
export type Items<T> = Iterable<T> | AsyncIterable<T>;

/** Where a function is exported, when the module calling the pool does not export it (or to name it by its export). */
export interface WithModule {
  /** The module that exports the function (a URL, a path, or `import.meta`). */
  module?: ModuleLocation | undefined;
}

/** The options of `apply`. */
export type ApplyOptions = TaskOptions & WithModule;

/**
 * `apply`'s arguments after the function: `args` (its parameters), left out only when it takes none, then options.
 * @typeParam O - the options (`ApplyOptions`, or `applyAsync`'s).
 */
export type ApplyRest<F extends AnyTaskFunction, O> = [] extends Parameters<F> ? [args?: Parameters<F>, options?: O] : [args: Parameters<F>, options?: O];

/** The options of `map`/`starmap`. */
export type MapCallOptions = MapOptions & WithModule;

/** The options of `imap`/`imapUnordered`. */
export type ImapCallOptions = ImapOptions & WithModule;

/** The options of `applyAsync` (or, with `R[]`, `mapAsync`/`starmapAsync`). */
export type AsyncCallOptions<R> = AsyncOptions<R> & WithModule;

/** The options of a call naming a function by its export: `module` is needed. */
export type Named<O> = O & { module: ModuleLocation };
