/**
 * The errors @multiproc/process throws, besides the shared ones from @multiproc/wire.
 *
 * @module
 */
import { MultiprocError, registerErrorClass, type MultiprocErrorOptions } from '@multiproc/wire';
import { guardAdvice } from './guard-advice.js';

/**
 * `ERR_PROCESS_BOOTSTRAP`: a child tried to start a process while it was still
 * importing its target's module — the module starts processes at top level
 * without a main-module guard, which would fork without end (Python raises a
 * RuntimeError for the same mistake).
 */
export class BootstrapError extends MultiprocError {
  /** @param module - the module that starts processes unguarded: the advice is written in its module system. */
  constructor(module?: string, options?: MultiprocErrorOptions) {
    super(
      'ERR_PROCESS_BOOTSTRAP',
      'Process.start() was called while this child was still importing the module that defines its target. ' +
        'That module starts processes at its top level, so every child would start another one. ' +
        guardAdvice(module),
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
