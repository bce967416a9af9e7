/**
 * Importing a user's module on the runtime's behalf: a child's target, a pool
 * task's function, a passable class's module a peer needs, a module a
 * `RequireModules` frame names. Every such import goes through
 * {@link importUserModule}, the one place that knows "this process is running
 * a user's top-level code because multiproc asked it to".
 *
 * Why it matters: a module that starts processes at its top level, with no
 * `isMainModule` guard, would start them again in every process that imports
 * it for the runtime, and those in theirs: a fork bomb. While such an import is
 * pending, {@link userModuleImport} names it, and every process-starting call
 * (`Process.start()`, a Pool starting workers) refuses with
 * `ERR_PROCESS_BOOTSTRAP` (Python raises a RuntimeError for the same mistake).
 *
 * Only code that runs on behalf of the import sees it: the import runs in an
 * AsyncLocalStorage context, so a pool task running beside the import (the
 * worker loads the next task's module while it runs this one) may still start
 * processes; and once the import has settled, callbacks the module left behind
 * (a timer, a server) may too. The storage is enabled only while an import is
 * pending: on Node 20 and 22 an enabled AsyncLocalStorage costs every promise
 * a hook.
 *
 * Which modules a peer may make this process import (issue #19 item 2): a
 * RequireModules frame names modules by URL, and importing one runs its code.
 * A peer at the other end of a channel this process tree made itself (the
 * channel between a parent and the child it started, a Pipe, whose ends travel
 * only over those) runs code the tree chose, and names modules its own code
 * loaded: what it names is imported, and trusted from then on. A peer that
 * reached this process through an owner's socket has proved only that it knows
 * the tree's secret; it may name only a module this process already trusts:
 * one this process imported for the runtime (its target, a task's function, a
 * module a parent, child or pipe named), one that registered a passable class
 * here, the entry module, one the user allowed ({@link allowModuleImports}), or
 * one V8 says is loaded here already (loaded-scripts.ts: importing it runs no
 * code). Never a path a frame chose that nothing here vouches for.
 *
 * @module
 */
import type { AsyncLocalStorage } from 'node:async_hooks';
import { isLoadedModule } from '../loaded-scripts.js';

// Builtins as the CommonJS objects, when first needed: a child that never imports a module for a peer pays nothing.
const pathToFileURL = (path: string) => process.getBuiltinModule('node:url').pathToFileURL(path);

/** An import the runtime is doing for the user. */
export interface UserImport {
  /** The module's URL. */
  readonly module: string;
  /** Why the runtime imports it, for messages: e.g. "a pool task's function". */
  readonly why: string;
}

interface PendingImport extends UserImport {
  pending: boolean;
}

let storage: AsyncLocalStorage<PendingImport> | undefined;
let pendingCount = 0;

/** Modules a peer that came through an owner's socket may make this process import (see the module comment). */
const trusted = new Set<string>();
let entryTrusted = false;

/** Notes that this process's own code (or a peer it made itself) named `module`: peers may name it too. */
export function trustModule(module: string | undefined): void {
  if (module) trusted.add(module);
}

/**
 * Lets peers that reach this process through an owner's socket (processes of this tree it did not start, e.g.
 * siblings using its queue) make it import these modules: those of classes they send that this process never
 * imported, and no parent, child or pipe named. Pass URLs (`import.meta.url`, `new URL(…)`) or absolute paths.
 *
 * @example
 * ```ts
 * allowModuleImports(new URL('./shapes.js', import.meta.url));
 * ```
 */
export function allowModuleImports(...modules: Array<string | URL>): void {
  for (const module of modules) trustModule(module instanceof URL ? module.href : module.startsWith('/') ? pathToFileURL(module).href : module);
}

/** Whether a peer that came through an owner's socket may make this process import `module`. */
export function isTrustedModule(module: string): boolean {
  if (!entryTrusted) {
    entryTrusted = true;
    if (process.argv[1]) trustModule(pathToFileURL(process.argv[1]).href);
  }
  if (trusted.has(module)) return true;
  if (!isLoadedModule(module)) return false;
  trusted.add(module);
  return true;
}

/**
 * Imports `module` on the runtime's behalf (see the module comment): code it runs, until the import settles, sees
 * {@link userModuleImport} name it.
 *
 * @param why - what the module is to the runtime, for the message of `ERR_PROCESS_BOOTSTRAP`.
 * @returns the module's namespace; rejects as `import()` does.
 */
export async function importUserModule(module: string, why: string): Promise<Record<string, unknown>> {
  const frame: PendingImport = { module, why, pending: true };
  trustModule(module);
  storage ??= new (process.getBuiltinModule('node:async_hooks').AsyncLocalStorage)<PendingImport>();
  pendingCount++;
  try {
    return (await storage.run(frame, () => import(module))) as Record<string, unknown>;
  } finally {
    frame.pending = false;
    if (--pendingCount === 0) {
      // Off until the next import: contexts made meanwhile still hold `frame`, now settled.
      storage.disable();
    }
  }
}

/** The import on the runtime's behalf that the code running now is part of, while it is pending; else undefined. */
export function userModuleImport(): UserImport | undefined {
  if (pendingCount === 0) return undefined;
  const frame = storage?.getStore();
  return frame?.pending ? { module: frame.module, why: frame.why } : undefined;
}
