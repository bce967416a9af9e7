/**
 * The errors @multiproc/pipe throws besides the shared ones.
 *
 * @module
 */
import { MultiprocError, registerErrorClass } from '@multiproc/wire';

/** `ERR_EOF`: `recv()` on a Connection whose other end is closed and everything it sent has been read (Python's EOFError). */
export class EOFError extends MultiprocError {
  constructor(call: string) {
    super('ERR_EOF', `${call}: the other end of the pipe is closed and there is nothing left to read.`);
  }
}

registerErrorClass(EOFError);
