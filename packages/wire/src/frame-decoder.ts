/**
 * Splits a byte stream into length-prefixed frames.
 *
 * Frame = 4-byte big-endian payload length, then the payload. Whole frames in
 * a chunk are handed out where they lie, as a range of that chunk (no copy, and
 * not even a view: a decoder given the same slab again reuses what it built for
 * it, e.g. msgpackr its DataView); only a frame split across chunks is joined,
 * once, when its last byte arrives. A length over the
 * limit is rejected before any memory is set aside for it.
 *
 * Fed by a reader that lets it choose where the socket reads go (`readBuffer()`
 * then `wrote(n)`), a large frame (DIRECT_READ_BYTES or more) is read straight
 * into a buffer of its own size, with no copy at all, and small frames into
 * slabs that are never written twice (a frame handed out stays a valid view).
 *
 * A {@link FramePlacer} may take a large frame's payload elsewhere: once its
 * first PLACE_HEAD_BYTES bytes are in, the placer may give a buffer for the
 * rest (how `Connection.recvBytesInto()` reads bytes straight into the caller's
 * buffer). Until then those bytes wait in a small buffer of their own, so
 * nothing is written where the placer did not say.
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

/** Bytes of a large frame's payload read before a {@link FramePlacer} is asked where the rest goes. */
export const PLACE_HEAD_BYTES = 5;

/** Takes the payloads of some large frames elsewhere (see the module comment). */
export interface FramePlacer {
  /** Whether the next large frame may be placed; when false its payload is read into a buffer of its own at once. */
  armed(): boolean;
  /**
   * The frame's payload is `length` bytes and starts with `head` (PLACE_HEAD_BYTES bytes): where the
   * other `length - PLACE_HEAD_BYTES` go (a buffer of exactly that size), or undefined for the decoder's own.
   */
  place(length: number, head: Buffer): Buffer | undefined;
  /** A placed frame is complete: `body`, the buffer `place()` gave, holds the payload after `head`. */
  onPlaced(head: Buffer, body: Buffer): void;
}

/** Receives a frame's payload: `source[start, end)`, valid as long as `source` (see the module comment). */
export type OnFrame = (source: Buffer, start: number, end: number) => void;

/** Reassembles frames from chunks; see the module comment. */
export class FrameDecoder {
  readonly #onFrame: OnFrame;
  readonly #maxFrameBytes: number;
  readonly #where: string;
  readonly #placer: FramePlacer | undefined;
  /** Chunks of an incomplete frame (its header may itself be split). */
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  /** Payload length of the incomplete frame, once its header is complete; -1 before. */
  #needed = -1;
  // A large incomplete frame (then `#pending` is empty) is in one of three states:
  // its payload goes into `#frame`, a buffer of its own; or its first PLACE_HEAD_BYTES go into
  // `#head` while the placer is not yet asked (`#body` undefined) or after it gave `#body` for the rest.
  #frame: Buffer | undefined;
  #head: Buffer | undefined;
  #body: Buffer | undefined;
  /** Payload bytes of the large frame received so far. */
  #filled = 0;
  /** Where reads of small frames go: `#slab` from `#slabUsed` on. */
  #slab: Buffer | undefined;
  #slabUsed = 0;
  /** The last `readBuffer()` was the large frame's rest. */
  #readingFrame = false;
  #failed = false;

  /**
   * @param onFrame - called with each payload (a range of a buffer), synchronously, in order. It
   *   may throw: the error propagates out of `push()` and the rest of that chunk is dropped.
   * @param where - names the connection in error messages.
   * @param placer - may take large payloads elsewhere (see {@link FramePlacer}).
   */
  constructor(onFrame: OnFrame, maxFrameBytes: number, where: string, placer?: FramePlacer) {
    this.#onFrame = onFrame;
    this.#maxFrameBytes = maxFrameBytes;
    this.#where = where;
    this.#placer = placer;
  }

  /** Bytes held for a frame not yet complete. */
  get bufferedBytes(): number {
    return this.#large ? FRAME_HEADER_BYTES + this.#filled : this.#pendingBytes;
  }

  /**
   * Where the next read from the stream should put its bytes (then call `wrote`): the rest of a
   * large frame's payload, or free space in a slab. Nothing written there is overwritten later.
   */
  readBuffer(): Buffer {
    if (!this.#failed && !this.#large && this.#needed >= DIRECT_READ_BYTES) this.#startFrame();
    if (this.#large) {
      this.#readingFrame = true;
      return this.#target();
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
      if (this.#large) this.#advance(n); // (else reset since: discard())
      return;
    }
    const from = this.#slabUsed;
    this.#slabUsed += n;
    this.#push(this.#slab!, from, from + n);
  }

  /**
   * Feeds one chunk of the stream.
   *
   * @throws {FrameTooLargeError} `ERR_FRAME_TOO_LARGE`; the decoder then refuses further input.
   */
  push(chunk: Buffer): void {
    this.#push(chunk, 0, chunk.length);
  }

  /** Feeds `source[from, end)`. */
  #push(source: Buffer, from: number, end: number): void {
    if (this.#failed) return;
    let offset = from;
    if (this.#pendingBytes > 0 || this.#large) {
      offset = this.#continuePending(source.subarray(from, end));
      if (offset < 0) return;
      offset += from;
    }
    while (end - offset >= FRAME_HEADER_BYTES) {
      const length = source.readUInt32BE(offset);
      this.#check(length);
      const start = offset + FRAME_HEADER_BYTES;
      if (end - start < length) break;
      offset = start + length;
      this.#onFrame(source, start, offset);
    }
    if (offset < end) {
      const rest = source.subarray(offset, end);
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

  /**
   * Takes a frame being placed back from the placer: what arrived of it is copied into a buffer
   * of its own, where the rest goes too (its reader gave up). Does nothing when no frame is placed.
   */
  unplace(): boolean {
    if (!this.#head) return false;
    const frame = Buffer.allocUnsafeSlow(this.#needed);
    this.#head.copy(frame, 0, 0, Math.min(this.#filled, PLACE_HEAD_BYTES));
    if (this.#body && this.#filled > PLACE_HEAD_BYTES) this.#body.copy(frame, PLACE_HEAD_BYTES, 0, this.#filled - PLACE_HEAD_BYTES);
    this.#frame = frame;
    this.#head = undefined;
    this.#body = undefined;
    return true;
  }

  /** A large frame is being read. */
  get #large(): boolean {
    return this.#frame !== undefined || this.#head !== undefined;
  }

  /** Where the large frame's next bytes go. */
  #target(): Buffer {
    if (this.#frame) return this.#frame.subarray(this.#filled);
    if (this.#body) return this.#body.subarray(this.#filled - PLACE_HEAD_BYTES);
    return this.#head!.subarray(this.#filled);
  }

  /** `n` more bytes of the large frame are where `#target()` said. */
  #advance(n: number): void {
    this.#filled += n;
    if (this.#head && !this.#body && this.#filled === PLACE_HEAD_BYTES) this.#ask();
    if (this.#filled === this.#needed) this.#finishFrame();
  }

  /** Copies what `chunk` holds of the large frame from `offset` on; returns where the rest of `chunk` starts. */
  #fill(chunk: Buffer, offset: number): number {
    while (this.#large && offset < chunk.length) {
      const target = this.#target();
      const take = Math.min(target.length, chunk.length - offset);
      chunk.copy(target, 0, offset, offset + take);
      offset += take;
      this.#advance(take);
    }
    return offset;
  }

  /** The head is in: the placer says where the rest goes, or the frame gets a buffer of its own. */
  #ask(): void {
    const body = this.#placer!.place(this.#needed, this.#head!);
    if (body && body.length === this.#needed - PLACE_HEAD_BYTES) this.#body = body;
    else this.unplace();
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
    if (!this.#large && this.#needed >= DIRECT_READ_BYTES) this.#startFrame();
    if (this.#large) {
      offset = this.#fill(chunk, offset);
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
    this.#onFrame(frame, FRAME_HEADER_BYTES, total);
    return offset + missing;
  }

  /** A large frame's header is complete: what arrived of it moves where its payload goes (see the class fields). */
  #startFrame(): void {
    const arrived = Buffer.concat(this.#pending, this.#pendingBytes);
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#filled = 0;
    if (this.#placer?.armed()) this.#head = Buffer.allocUnsafe(PLACE_HEAD_BYTES);
    else this.#frame = Buffer.allocUnsafeSlow(this.#needed);
    this.#fill(arrived, FRAME_HEADER_BYTES);
  }

  #finishFrame(): void {
    const frame = this.#frame;
    const head = this.#head;
    const body = this.#body;
    this.#reset();
    if (frame) this.#onFrame(frame, 0, frame.length);
    else this.#placer!.onPlaced(head!, body!);
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
    this.#head = undefined;
    this.#body = undefined;
    this.#filled = 0;
  }
}
