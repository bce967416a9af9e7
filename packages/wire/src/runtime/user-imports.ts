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
 * @module
 */
import { AsyncLocalStorage } from 'node:async_hooks';

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

/**
 * Imports `module` on the runtime's behalf (see the module comment): code it runs, until the import settles, sees
 * {@link userModuleImport} name it.
 *
 * @param why - what the module is to the runtime, for the message of `ERR_PROCESS_BOOTSTRAP`.
 * @returns the module's namespace; rejects as `import()` does.
 */
export async function importUserModule(module: string, why: string): Promise<Record<string, unknown>> {
  const frame: PendingImport = { module, why, pending: true };
  storage ??= new AsyncLocalStorage<PendingImport>();
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
