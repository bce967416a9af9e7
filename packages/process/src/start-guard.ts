/**
 * The check every process-starting call makes first (`Process.start()`, a Pool's constructor): not while this
 * process imports a user's module on multiproc's behalf (see wire's user-imports.ts), nor while a child imports
 * its target.
 *
 * @module
 */
import { userModuleImport } from '@multiproc/wire';
import { BootstrapError } from './errors.js';
import { runtimeState } from './runtime-state.js';

/**
 * Throws unless this process may start processes now.
 *
 * @param call - the public call, for the message, e.g. `"new Pool()"`.
 * @param module - the module that made the call, for the advice when no import names the module at fault.
 * @throws {BootstrapError} `ERR_PROCESS_BOOTSTRAP` while a user's module is imported on multiproc's behalf: it starts
 *   processes at its top level, unguarded.
 */
export function assertMayStartProcesses(call: string, module?: string): void {
  const importing = userModuleImport();
  if (importing || runtimeState().bootstrapping) throw new BootstrapError(importing, call, module);
}
