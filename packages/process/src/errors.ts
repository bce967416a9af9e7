/**
 * The errors @multiproc/process throws, besides the shared ones from @multiproc/wire.
 *
 * @module
 */
import { MultiprocError, registerErrorClass, type MultiprocErrorOptions, type UserImport } from '@multiproc/wire';
import { guardAdvice } from './guard-advice.js';

/**
 * `ERR_PROCESS_BOOTSTRAP`: a process tried to start a process (`Process.start()`, a Pool starting its workers)
 * while it was importing a user's module on multiproc's behalf (a child's target, a pool task's function, a
 * passable class's module): that module starts processes at its top level without a main-module guard, which
 * would fork without end (Python raises a RuntimeError for the same mistake).
 */
export class BootstrapError extends MultiprocError {
  /**
   * @param importing - the import that was pending: its module's URL and what it is to multiproc. @default a child's target
   * @param call - the process-starting call. @default "Process.start()"
   * @param module - the module that started processes, when no import names it: the advice is written in its module system.
   */
  constructor(importing?: UserImport, call = 'Process.start()', module?: string, options?: MultiprocErrorOptions) {
    super(
      'ERR_PROCESS_BOOTSTRAP',
      `${call} was called while this process was importing ${importing ? `${importing.module} (${importing.why})` : 'the module that defines its target'} ` +
        "on multiproc's behalf. That module starts processes at its top level, so every process that imports it would start more. " +
        guardAdvice(importing?.module ?? module),
      options,
    );
  }
}

/** `ERR_TARGET_NOT_FOUND`: the child could not find or rebuild the target it was given. */
export class TargetNotFoundError extends MultiprocError {
  constructor(message: string, options?: MultiprocErrorOptions) {
    super('ERR_TARGET_NOT_FOUND', message, options);
  }
}

/** `ERR_PROCESS_START`: the child process could not be started (fork failed). */
export class ProcessStartError extends MultiprocError {
  constructor(message: string, options?: MultiprocErrorOptions) {
    super('ERR_PROCESS_START', message, options);
  }
}

registerErrorClass(BootstrapError);
registerErrorClass(TargetNotFoundError);
registerErrorClass(ProcessStartError);
