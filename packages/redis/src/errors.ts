/**
 * The errors @multiproc/redis throws besides the shared ones (ERR_TIMEOUT, ERR_ABORTED, ERR_CLOSED, …).
 *
 * Messages never hold credentials: a server is named by {@link describeServer}'s form (scheme, host, port, db).
 *
 * @module
 */
import { MultiprocError, registerErrorClass, type MultiprocErrorOptions } from '@multiproc/wire';

/**
 * `ERR_BACKEND_UNAVAILABLE`: the Redis server cannot be reached (refused, lost, shut down) or did not answer in time.
 * A call that got it may or may not have taken effect on the server only when the message says so.
 */
export class BackendUnavailableError extends MultiprocError {
  constructor(message: string, options?: MultiprocErrorOptions) {
    super('ERR_BACKEND_UNAVAILABLE', message, options);
  }
}

/** `ERR_BACKEND_CONFIG`: the server or the options do not fit (eviction allowed, a version too old, a bad URL or key). */
export class BackendConfigError extends MultiprocError {
  constructor(message: string, options?: MultiprocErrorOptions) {
    super('ERR_BACKEND_CONFIG', message, options);
  }
}

/** `ERR_OPTIONS_MISMATCH`: an object of this name exists with another kind or other creation options. */
export class OptionsMismatchError extends MultiprocError {
  constructor(message: string, options?: MultiprocErrorOptions) {
    super('ERR_OPTIONS_MISMATCH', message, options);
  }
}

/** `ERR_NO_BACKEND`: a handle of an object on a backend arrived in a process that has no such backend configured. */
export class NoBackendError extends MultiprocError {
  constructor(message: string, options?: MultiprocErrorOptions) {
    super('ERR_NO_BACKEND', message, options);
  }
}

/** `ERR_PAYLOAD_SEAL`: a sealed value could not be opened (another `payloadKey`, or the value was altered or moved). */
export class PayloadSealError extends MultiprocError {
  constructor(message: string, options?: MultiprocErrorOptions) {
    super('ERR_PAYLOAD_SEAL', message, options);
  }
}

registerErrorClass(BackendUnavailableError);
registerErrorClass(BackendConfigError);
registerErrorClass(OptionsMismatchError);
registerErrorClass(NoBackendError);
registerErrorClass(PayloadSealError);
