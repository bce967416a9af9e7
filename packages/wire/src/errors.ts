/**
 * The coded errors every multiproc package throws.
 *
 * Each error has a stable `code` (match on it, never on the message), a message
 * that names the call, the cause and the fix, and the original error as `cause`.
 * Every code is listed in docs/errors.md; a test checks that the list is complete.
 *
 * @module
 */

/** Options accepted by every multiproc error constructor. */
export interface MultiprocErrorOptions {
  /** The error that caused this one. */
  cause?: unknown;
}

/**
 * Base class of every multiproc error.
 *
 * @example
 * ```ts
 * try { await queue.get({ timeout: 100 }) }
 * catch (err) { if (err instanceof MultiprocError && err.code === 'ERR_TIMEOUT') … }
 * ```
 */
export class MultiprocError extends Error {
  /** Stable, documented error code, e.g. `ERR_CHANNEL_CLOSED`. */
  readonly code: string;

  constructor(code: string, message: string, options?: MultiprocErrorOptions) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** `ERR_CHANNEL_CLOSED`: a message was sent on, or awaited from, a channel that is closed. */
export class ChannelClosedError extends MultiprocError {
  constructor(message: string, options?: MultiprocErrorOptions) {
    super('ERR_CHANNEL_CLOSED', message, options);
  }
}

/**
 * `ERR_FRAME_TOO_LARGE`: a frame is longer than the channel's `maxFrameBytes`. Received: its length prefix said so,
 * nothing is allocated for it, and the connection is closed. Sent: the message encoded to more, and `send()` throws
 * it with nothing sent (the peer, with the same limit, would have closed the connection).
 */
export class FrameTooLargeError extends MultiprocError {
  /** The frame's length. */
  readonly length: number;
  /** The channel's limit. */
  readonly limit: number;

  /** @param sending - thrown by a send (nothing was sent), not by the reader (the connection was closed). */
  constructor(length: number, limit: number, where: string, sending = false) {
    super(
      'ERR_FRAME_TOO_LARGE',
      sending
        ? `${where}: the message encodes to ${length} bytes, over the limit of ${limit} bytes (maxFrameBytes); nothing was sent. ` +
            'Send smaller messages, or raise maxFrameBytes on both ends.'
        : `${where}: a frame announced ${length} bytes, over the limit of ${limit} bytes; ` +
            'the connection was closed. Send smaller messages, or raise maxFrameBytes on both ends.',
    );
    this.length = length;
    this.limit = limit;
  }
}

/** `ERR_FRAME_TRUNCATED`: the stream ended in the middle of a frame. */
export class FrameTruncatedError extends MultiprocError {
  constructor(where: string, missing: number) {
    super(
      'ERR_FRAME_TRUNCATED',
      `${where}: the peer closed the stream ${missing} bytes short of the end of a frame; ` +
        'the peer probably died while writing. The partial message was dropped.',
    );
  }
}

/** `ERR_FRAME_DECODE`: a frame's bytes are not a message this side can decode. */
export class FrameDecodeError extends MultiprocError {
  constructor(where: string, options?: MultiprocErrorOptions) {
    super(
      'ERR_FRAME_DECODE',
      `${where}: a frame could not be decoded as msgpack; the connection was closed. ` +
        'The peer is not a multiproc endpoint of a compatible version, or the stream was corrupted.',
      options,
    );
  }
}

/** `ERR_PROTOCOL`: a decoded message is not one this side expects (unknown tag, wrong shape). */
export class ProtocolError extends MultiprocError {
  constructor(message: string, options?: MultiprocErrorOptions) {
    super('ERR_PROTOCOL', message, options);
  }
}

/** `ERR_ENCODE`: a value cannot be sent to another process (a function, a symbol, a class not registered as passable). */
export class EncodeError extends MultiprocError {
  constructor(message: string, options?: MultiprocErrorOptions) {
    super('ERR_ENCODE', message, options);
  }
}

/** `ERR_TIMEOUT`: a blocking call's `timeout` ran out. Nothing was left half-done. */
export class TimeoutError extends MultiprocError {
  constructor(call: string, timeout: number) {
    super('ERR_TIMEOUT', `${call} timed out after ${timeout} ms.`);
  }
}

/** `ERR_ABORTED`: a blocking call's `signal` was aborted. The signal's reason is the `cause`. */
export class AbortError extends MultiprocError {
  constructor(call: string, reason?: unknown) {
    super('ERR_ABORTED', `${call} was aborted.`, { cause: reason });
  }
}

/** `ERR_INVALID_ARGUMENT`: a call was given an argument it cannot use. */
export class InvalidArgumentError extends MultiprocError {
  constructor(message: string, options?: MultiprocErrorOptions) {
    super('ERR_INVALID_ARGUMENT', message, options);
  }
}

/** `ERR_INVALID_STATE`: a call was made on an object in a state that does not allow it (started twice, closed, …). */
export class InvalidStateError extends MultiprocError {
  constructor(message: string, options?: MultiprocErrorOptions) {
    super('ERR_INVALID_STATE', message, options);
  }
}

/**
 * `ERR_OWNER_GONE`: the process that owns a Queue, Lock, Pipe end or other shared
 * object has exited (or its connection broke), so the call cannot be served.
 */
export class OwnerGoneError extends MultiprocError {
  constructor(message: string, options?: MultiprocErrorOptions) {
    super('ERR_OWNER_GONE', message, options);
  }
}

/** `ERR_AUTH`: a connection to an owner failed its HMAC challenge (wrong topology secret, not a multiproc peer, messages altered or replayed on the way, or another handshake version). */
export class AuthenticationError extends MultiprocError {
  constructor(message: string, options?: MultiprocErrorOptions) {
    super('ERR_AUTH', message, options);
  }
}

/** `ERR_CLOSED`: a call on a Queue, Lock, Connection or other object that was closed. */
export class ClosedError extends MultiprocError {
  constructor(message: string, options?: MultiprocErrorOptions) {
    super('ERR_CLOSED', message, options);
  }
}

/**
 * True for the errors of a message refused for what it holds, with nothing sent and the connection still open: a value
 * that cannot be encoded (`ERR_ENCODE`), or more than one message may hold (`ERR_FRAME_TOO_LARGE`). A sender that
 * batches many values into one message falls back to fewer at a time on these.
 */
export function isUnsendable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return code === 'ERR_ENCODE' || code === 'ERR_FRAME_TOO_LARGE';
}
