/**
 * Splits a byte stream into length-prefixed frames.
 *
 * Frame = 4-byte big-endian payload length, then the payload. Whole frames in
 * a chunk are handed out as views of that chunk (no copy); only a frame split
 * across chunks is joined, once, when its last byte arrives. A length over the
 * limit is rejected before any memory is set aside for it.
 *
 * Fed by a reader that lets it choose where the socket reads go (`readBuffer()`
 * then `wrote(n)`), a large frame (DIRECT_READ_BYTES or more) is read straight
 * into a buffer of its own size, with no copy at all, and small frames into
 * slabs that are never written twice (a frame handed out stays a valid view).
 *
 * @module
 */
import { FrameTooLargeError, FrameTruncatedError } from './errors.js';

/** Bytes in a frame's length prefix. */
export const FRAME_HEADER_BYTES = 4;

/** Default largest payload a channel accepts: 256 MiB. */
export const DEFAULT_MAX_FRAME_BYTES = 256 * 1024 * 1024;

/** A frame whose payload has at least this many bytes is read straight into a buffer of its own. */
const DIRECT_READ_BYTES = 64 * 1024;
/** Reads of small frames go into slabs of this size ... */
const SLAB_BYTES = 64 * 1024;
/** ... until less than this is left in one. */
const SLAB_MIN_READ = 8 * 1024;

/** Reassembles frames from chunks; see the module comment. */
export class FrameDecoder {
  readonly #onFrame: (payload: Buffer) => void;
  readonly #maxFrameBytes: number;
  readonly #where: string;
  /** Chunks of an incomplete frame (its header may itself be split). */
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  /** Payload length of the incomplete frame, once its header is complete; -1 before. */
  #needed = -1;
  /** A large incomplete frame's payload, filled in place (then `#pending` is empty). */
  #frame: Buffer | undefined;
  /** Payload bytes in `#frame`. */
  #filled = 0;
  /** Where reads of small frames go: `#slab` from `#slabUsed` on. */
  #slab: Buffer | undefined;
  #slabUsed = 0;
  /** The last `readBuffer()` was the large frame's rest. */
  #readingFrame = false;
  #failed = false;

  /**
   * @param onFrame - called with each payload, synchronously, in order. It may
   *   throw: the error propagates out of `push()` and the rest of that chunk is dropped.
   * @param where - names the connection in error messages.
   */
  constructor(onFrame: (payload: Buffer) => void, maxFrameBytes: number, where: string) {
    this.#onFrame = onFrame;
    this.#maxFrameBytes = maxFrameBytes;
    this.#where = where;
  }

  /** Bytes held for a frame not yet complete. */
  get bufferedBytes(): number {
    return this.#frame ? FRAME_HEADER_BYTES + this.#filled : this.#pendingBytes;
  }

  /**
   * Where the next read from the stream should put its bytes (then call `wrote`): the rest of a
   * large frame's own buffer, or free space in a slab. Nothing written there is overwritten later.
   */
  readBuffer(): Buffer {
    if (!this.#failed && this.#frame === undefined && this.#needed >= DIRECT_READ_BYTES) this.#startFrame();
    if (this.#frame) {
      this.#readingFrame = true;
      return this.#frame.subarray(this.#filled);
    }
    this.#readingFrame = false;
    if (!this.#slab || this.#slab.length - this.#slabUsed < SLAB_MIN_READ) {
      this.#slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
      this.#slabUsed = 0;
    }
    return this.#slab.subarray(this.#slabUsed);
  }

  /**
   * Feeds the `n` bytes a read put at the start of the last `readBuffer()`.
   *
   * @throws {FrameTooLargeError} as `push`.
   */
  wrote(n: number): void {
    if (this.#readingFrame) {
      this.#readingFrame = false;
      if (!this.#frame) return; // reset since (e.g. discard())
      this.#filled += n;
      if (this.#filled === this.#needed) this.#finishFrame();
      return;
    }
    const chunk = this.#slab!.subarray(this.#slabUsed, this.#slabUsed + n);
    this.#slabUsed += n;
    this.push(chunk);
  }

  /**
   * Feeds one chunk of the stream.
   *
   * @throws {FrameTooLargeError} `ERR_FRAME_TOO_LARGE`; the decoder then refuses further input.
   */
  push(chunk: Buffer): void {
    if (this.#failed) return;
    let offset = 0;
    if (this.#pendingBytes > 0 || this.#frame) {
      offset = this.#continuePending(chunk);
      if (offset < 0) return;
    }
    const end = chunk.length;
    while (end - offset >= FRAME_HEADER_BYTES) {
      const length = chunk.readUInt32BE(offset);
      this.#check(length);
      const start = offset + FRAME_HEADER_BYTES;
      if (end - start < length) break;
      offset = start + length;
      this.#onFrame(chunk.subarray(start, offset));
    }
    if (offset < end) {
      const rest = chunk.subarray(offset);
      this.#pending.push(rest);
      this.#pendingBytes = rest.length;
      this.#needed = rest.length >= FRAME_HEADER_BYTES ? rest.readUInt32BE(0) : -1;
    }
  }

  /**
   * Declares the end of the stream.
   *
   * @throws {FrameTruncatedError} `ERR_FRAME_TRUNCATED` when a frame was cut short.
   */
  end(): void {
    if (this.#failed || this.bufferedBytes === 0) return;
    const missing = this.#needed < 0 ? FRAME_HEADER_BYTES - this.#pendingBytes : this.#needed + FRAME_HEADER_BYTES - this.bufferedBytes;
    this.#reset();
    throw new FrameTruncatedError(this.#where, missing);
  }

  /** Drops a frame cut short by the end of the stream (its sender's journal holds it whole). */
  discard(): void {
    this.#reset();
  }

  /** Adds `chunk` to the pending frame; returns where the unread part of `chunk` starts, or -1 if all of it was taken. */
  #continuePending(chunk: Buffer): number {
    let offset = 0;
    if (this.#needed < 0) {
      // The header itself was split: complete it from the new chunk.
      const headerPart = Buffer.concat([...this.#pending, chunk.subarray(0, FRAME_HEADER_BYTES - this.#pendingBytes)]);
      if (headerPart.length < FRAME_HEADER_BYTES) {
        this.#pending = [headerPart];
        this.#pendingBytes = headerPart.length;
        return -1;
      }
      offset = FRAME_HEADER_BYTES - this.#pendingBytes;
      this.#pending = [headerPart];
      this.#pendingBytes = FRAME_HEADER_BYTES;
      this.#needed = headerPart.readUInt32BE(0);
      this.#check(this.#needed);
    }
    if (this.#frame === undefined && this.#needed >= DIRECT_READ_BYTES) this.#startFrame();
    if (this.#frame) {
      const take = Math.min(this.#needed - this.#filled, chunk.length - offset);
      chunk.copy(this.#frame, this.#filled, offset, offset + take);
      this.#filled += take;
      offset += take;
      if (this.#filled === this.#needed) this.#finishFrame();
      return offset === chunk.length ? -1 : offset;
    }
    const total = FRAME_HEADER_BYTES + this.#needed;
    const missing = total - this.#pendingBytes;
    if (chunk.length - offset < missing) {
      this.#pending.push(chunk.subarray(offset));
      this.#pendingBytes += chunk.length - offset;
      return -1;
    }
    const frame = Buffer.concat([...this.#pending, chunk.subarray(offset, offset + missing)], total);
    this.#reset();
    this.#onFrame(frame.subarray(FRAME_HEADER_BYTES));
    return offset + missing;
  }

  /** Moves what arrived of the large frame (its header is complete) into a buffer of the payload's size. */
  #startFrame(): void {
    const frame = Buffer.allocUnsafeSlow(this.#needed);
    const arrived = Buffer.concat(this.#pending, this.#pendingBytes);
    this.#filled = arrived.copy(frame, 0, FRAME_HEADER_BYTES);
    this.#frame = frame;
    this.#pending = [];
    this.#pendingBytes = 0;
  }

  #finishFrame(): void {
    const frame = this.#frame!;
    this.#reset();
    this.#onFrame(frame);
  }

  #check(length: number): void {
    if (length > this.#maxFrameBytes) {
      this.#failed = true;
      this.#reset();
      throw new FrameTooLargeError(length, this.#maxFrameBytes, this.#where);
    }
  }

  #reset(): void {
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#needed = -1;
    this.#frame = undefined;
    this.#filled = 0;
  }
}
