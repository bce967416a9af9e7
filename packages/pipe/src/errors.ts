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

/**
 * `ERR_BUFFER_TOO_SHORT`: `recvBytesInto()` got a message longer than the room in the buffer
 * (Python's `BufferTooShort`). The message was taken from the pipe: it is `bytes`.
 */
export class BufferTooShortError extends MultiprocError {
  /** The whole message. */
  readonly bytes: Buffer;

  constructor(bytes: Buffer, room: number) {
    super('ERR_BUFFER_TOO_SHORT', `Connection.recvBytesInto(): the message has ${bytes.byteLength} bytes and the buffer has room for ${room}; it is the error's \`bytes\`. Pass a larger buffer (or a smaller offset).`);
    this.bytes = bytes;
  }
}

registerErrorClass(EOFError);
registerErrorClass(BufferTooShortError);
