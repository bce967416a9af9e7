/**
 * The msgpack codec (msgpackr) shared by every channel.
 *
 * One {@link Codec} per connection: msgpackr's `sequential` mode writes each
 * record structure once per stream, so the encoder and decoder of one stream
 * keep state and must not be shared between streams.
 *
 * What round-trips: JSON values, `undefined`, `Date`, `Map` (any keys), `Set`,
 * `BigInt`, `Buffer` and typed arrays, `RegExp`, cycles, Errors (see
 * error-codec.ts), every class registered with `registerPassable`, and
 * instances of classes exported from a module, by reference (class-ref.ts).
 * (`-0` arrives as `0`: msgpack writes it as the integer 0.)
 *
 * @module
 */
// 'msgpackr/pack' is msgpackr's pure-JS build on Node: it skips probing for the optional native
// extension, which cost a child ~10 ms of boot time (docs/benchmarks.md), for no gain on small messages.
import { addExtension, Packr, REUSE_BUFFER_MODE, Unpackr } from 'msgpackr/pack';
import type { Options } from 'msgpackr';
import './class-ref.js';
import { decodeError, encodeError, registerErrorClass, type EncodedError } from './error-codec.js';
import {
  AbortError,
  AuthenticationError,
  ChannelClosedError,
  ClosedError,
  EncodeError,
  FrameDecodeError,
  FrameTooLargeError,
  FrameTruncatedError,
  InvalidArgumentError,
  InvalidStateError,
  MultiprocError,
  OwnerGoneError,
  ProtocolError,
  TimeoutError,
} from './errors.js';
import { ERROR_EXT } from './extension-types.js';
import { mayRepeatObjects } from './repeats-objects.js';

/** Values of this many bytes or more are decoded by `#decodeLarge`. */
const LARGE_VALUE_BYTES = 4096;

/** Fresh each time: msgpackr keeps per-stream structure state on the options object. */
const options = (): Options => ({
  moreTypes: true,
  structuredClone: true,
  useRecords: true,
  mapsAsObjects: false,
  sequential: true,
  bundleStrings: false,
  // msgpackr writes functions as undefined; losing an argument silently is worse than an error.
  writeFunction: ((fn: Function) => {
    throw new TypeError(`a function (${fn.name || 'anonymous'}) cannot be sent`);
  }) as () => never,
});

addExtension({
  Class: Error,
  type: ERROR_EXT,
  write: (error: Error) => encodeError(error),
  read: (encoded: EncodedError) => decodeError(encoded),
});

for (const Class of [
  MultiprocError,
  ChannelClosedError,
  FrameTooLargeError,
  FrameTruncatedError,
  FrameDecodeError,
  ProtocolError,
  EncodeError,
  TimeoutError,
  AbortError,
  InvalidArgumentError,
  InvalidStateError,
  OwnerGoneError,
  AuthenticationError,
  ClosedError,
]) {
  registerErrorClass(Class);
}

/**
 * msgpackr's encoder keeps its options as fields and reads this one at the start of each `pack()`: whether to
 * enter every object it writes in a new Map, to write one met again (or a cycle) as a reference.
 */
interface IdentityTracking {
  structuredClone: boolean;
}

/** @internal What `Codec.encodeInPlace` returns: a buffer, and where in it the value's bytes are. */
export interface EncodedInPlace extends Uint8Array {
  start: number;
  end: number;
}

/** An encoder and decoder pair for one stream. */
export class Codec {
  #packr = new Packr(options());
  #unpackr = new Unpackr(options());
  #encoderReplaced = false;
  /** The range `decode` reads, one object for every call. */
  readonly #range = { start: 0, end: 0 };

  /**
   * Encodes one value. The returned bytes are valid until the next call; copy them to keep them.
   *
   * @throws {EncodeError} `ERR_ENCODE` when the value holds something that cannot cross a process boundary.
   */
  encode(value: unknown): Uint8Array {
    const packr = this.#packr as Packr & IdentityTracking;
    try {
      // Identity is tracked only where an object may repeat (see repeats-objects.ts).
      packr.structuredClone = mayRepeatObjects(value);
      return packr.pack(value);
    } catch (cause) {
      throw this.#encodeError(cause);
    }
  }

  /** The error an encode that failed throws. */
  #encodeError(cause: unknown): Error {
    // msgpackr may have recorded new record structures before failing; the decoder
    // would never see them. Start a fresh encoder; the channel tells the peer (takeReset).
    this.discardEncoded();
    // A passable's own coded error (e.g. a Pipe end that cannot be passed) says more than ERR_ENCODE would.
    if (cause instanceof MultiprocError) return cause;
    return new EncodeError(
      `cannot send this value to another process: ${(cause as Error).message}. ` +
        'Functions and symbols do not cross process boundaries.',
      { cause },
    );
  }

  /**
   * @internal Like `encode`, without making a view for the bytes: they are `[start, end)` of the buffer returned (msgpackr's
   * own, shared by every encoder of this process, or one of their own). msgpackr never writes over bytes it has handed
   * out, so they stay as they are; `encode`'s view (a Buffer) cost more than the encoding of a small message. Read
   * `start` and `end` at once: the next call may return the same buffer with a new range.
   *
   * @throws as `encode`.
   */
  encodeInPlace(value: unknown): EncodedInPlace {
    const packr = this.#packr as Packr & IdentityTracking;
    try {
      packr.structuredClone = mayRepeatObjects(value);
      const bytes = packr.pack(value, REUSE_BUFFER_MODE) as Uint8Array & Partial<EncodedInPlace>;
      // A message with repeated objects comes back as a view (msgpackr inserted the references into it), without a range.
      if (bytes.start === undefined || bytes.end === undefined) return Object.assign(bytes, { start: 0, end: bytes.length });
      return bytes as EncodedInPlace;
    } catch (cause) {
      throw this.#encodeError(cause);
    }
  }

  /**
   * Forgets what the encoder learnt (record structures) from a message that was encoded but will not be sent: the
   * peer's decoder never sees it, so both start afresh, as after a failed encode (see `takeReset`).
   */
  discardEncoded(): void {
    this.#packr = new Packr(options());
    this.#encoderReplaced = true;
  }

  /**
   * True once after an encode failed and the encoder was replaced: the peer's
   * decoder must restart before the next message (a Channel sends a ResetCodec frame).
   */
  takeReset(): boolean {
    const replaced = this.#encoderReplaced;
    this.#encoderReplaced = false;
    return replaced;
  }

  /** Starts a fresh decoder (the peer restarted its encoder). */
  resetDecoder(): void {
    this.#unpackr = new Unpackr(options());
  }

  /**
   * Decodes exactly one value from `bytes`, or from `bytes[start, end)` (no copy of the input is made;
   * a range of a buffer decoded before costs less than a view of it: msgpackr keeps its DataView on the buffer).
   *
   * @throws {FrameDecodeError} `ERR_FRAME_DECODE` when the bytes are not one whole msgpack value.
   */
  decode(bytes: Uint8Array, where: string, start = 0, end = bytes.length): unknown {
    try {
      if (end - start >= LARGE_VALUE_BYTES) return this.#decodeLarge(bytes, start, end);
      const range = this.#range;
      range.start = start;
      range.end = end;
      return this.#unpackr.unpack(bytes, range);
    } catch (cause) {
      throw new FrameDecodeError(where, { cause });
    }
  }

  /**
   * A large value is read with msgpackr's unpackMultiple, told to stop after the first value: its unpack(), finding
   * bytes after the value, describes the value in its error with JSON.stringify, whose cost grows with the value (a
   * Buffer becomes an array of numbers): a 16 MiB frame with one byte too many cost 18 s and 1.1 GB, so a peer could
   * stall or kill a process with one frame (found by the fuzzer). Below LARGE_VALUE_BYTES that costs well under 1 ms.
   */
  #decodeLarge(bytes: Uint8Array, start: number, end: number): unknown {
    const source = start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end);
    let value: unknown;
    let valueEnd = -1;
    this.#unpackr.unpackMultiple(source, (first: unknown, _from: number, to: number) => {
      value = first;
      valueEnd = to;
      return false;
    });
    if (valueEnd !== source.length) throw new Error(`${source.length - valueEnd} bytes after the value.`);
    return value;
  }
}
