/**
 * Whether a value can be sent to another process, found out without sending it.
 *
 * @module
 */
import { Codec } from './codec.js';
import { swapEncodeContext, type EncodeContext } from './encode-context.js';
import { EncodeError, FrameTooLargeError, MultiprocError } from './errors.js';
import { DEFAULT_MAX_FRAME_BYTES } from './frame-decoder.js';

let codec: Codec | undefined;

/**
 * Encodes `value` as a message to another process would, and throws what that send would: for an owner that keeps
 * a value others will take (a queue item), so the one that gave it hears of it, not a later taker. OS handles in it
 * (a Pipe end) are taken as sendable, and left as they were.
 *
 * @param call - the public call, for the error message.
 * @throws {EncodeError} `ERR_ENCODE`, or the passable's own coded error.
 * @throws {FrameTooLargeError} `ERR_FRAME_TOO_LARGE` when it encodes to more than one message may hold (the default limit).
 */
export function checkSendable(value: unknown, call: string): void {
  const context: EncodeContext = { modules: [], transfers: [], canTransfer: true, name: call };
  const outer = swapEncodeContext(context);
  let length: number;
  try {
    length = (codec ??= new Codec()).encode(value).length;
  } catch (cause) {
    if (cause instanceof MultiprocError && !(cause instanceof EncodeError)) throw cause;
    throw new EncodeError(`${call}: ${(cause as Error).message}`, { cause: (cause as Error).cause ?? cause });
  } finally {
    swapEncodeContext(outer);
    for (const transfer of context.transfers) transfer.undo?.();
  }
  if (length > DEFAULT_MAX_FRAME_BYTES) throw new FrameTooLargeError(length, DEFAULT_MAX_FRAME_BYTES, call, true);
}
