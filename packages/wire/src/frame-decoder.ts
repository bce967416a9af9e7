/**
 * Splits a byte stream into length-prefixed frames.
 *
 * Frame = 4-byte big-endian payload length, then the payload. Whole frames in
 * a chunk are handed out as views of that chunk (no copy); only a frame split
 * across chunks is joined, once, when its last byte arrives. A length over the
 * limit is rejected before any memory is set aside for it.
 *
 * @module
 */
import { FrameTooLargeError, FrameTruncatedError } from './errors.js';

/** Bytes in a frame's length prefix. */
export const FRAME_HEADER_BYTES = 4;

/** Default largest payload a channel accepts: 256 MiB. */
export const DEFAULT_MAX_FRAME_BYTES = 256 * 1024 * 1024;

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
    return this.#pendingBytes;
  }

  /**
   * Feeds one chunk of the stream.
   *
   * @throws {FrameTooLargeError} `ERR_FRAME_TOO_LARGE`; the decoder then refuses further input.
   */
  push(chunk: Buffer): void {
    if (this.#failed) return;
    let offset = 0;
    if (this.#pendingBytes > 0) {
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
    if (this.#failed || this.#pendingBytes === 0) return;
    const missing = this.#needed < 0 ? FRAME_HEADER_BYTES - this.#pendingBytes : this.#needed + FRAME_HEADER_BYTES - this.#pendingBytes;
    this.#reset();
    throw new FrameTruncatedError(this.#where, missing);
  }

  /** Drops a frame cut short by the end of the stream (its sender's journal holds it whole). */
  discard(): void {
    this.#reset();
  }

  /** Adds `chunk` to the pending frame; returns where the unread part of `chunk` starts, or -1 if all of it was taken. */
  #continuePending(chunk: Buffer): number {
    if (this.#needed < 0) {
      // The header itself was split: complete it from the new chunk.
      const headerPart = Buffer.concat([...this.#pending, chunk.subarray(0, FRAME_HEADER_BYTES - this.#pendingBytes)]);
      if (headerPart.length < FRAME_HEADER_BYTES) {
        this.#pending = [headerPart];
        this.#pendingBytes = headerPart.length;
        return -1;
      }
      this.#needed = headerPart.readUInt32BE(0);
      this.#check(this.#needed);
    }
    const total = FRAME_HEADER_BYTES + this.#needed;
    const missing = total - this.#pendingBytes;
    if (chunk.length < missing) {
      this.#pending.push(chunk);
      this.#pendingBytes += chunk.length;
      return -1;
    }
    const frame = Buffer.concat([...this.#pending, chunk.subarray(0, missing)], total);
    this.#reset();
    this.#onFrame(frame.subarray(FRAME_HEADER_BYTES));
    return missing;
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
  }
}
