/**
 * A channel's send journal: the frames a process has sent but the OS has not
 * taken yet, kept in a file so that they outlive the process.
 *
 * A frame handed to a socket is safe once the kernel holds it: the peer reads
 * it even if the sender is SIGKILLed the next instant. Until then it lives in
 * the sender's memory (the batch of the current tick, or the stream's own
 * buffer when the kernel's is full) and dies with it. With a journal, every
 * frame is also written to a file (one write, no copy into the batch, no
 * wake-up of the peer) before `send()` returns; the file is rewound whenever
 * the socket has written everything. After the sender dies, the receiver
 * reads the file and takes the frames it has not received, in order. This is
 * what lets a pool worker batch its results (one socket write for many tasks)
 * and still lose none of them, nor their order, when it crashes.
 *
 * Record: `[payload length u32][frame number u32][CRC-32 of the payload u32][payload]`,
 * and after the last record an end mark (length 0xFFFFFFFF), written by the same
 * write and overwritten by the next record: whatever lies past it is left from
 * before a rewind and is never read. The checksum catches a record torn by the
 * writer's death: a SIGKILL during the write stops the kernel's copy at a page
 * boundary, leaving the new header, part of the payload and, after it, bytes of
 * an older record — which without it would decode as a valid, wrong message. Frame numbers count every frame a channel
 * sends (control frames too) from 0; the receiver counts the frames it decodes
 * the same way, so the first record it lacks is the one numbered with its
 * count. A file that grew large (the reader was behind) is truncated at the
 * next rewind.
 *
 * @module
 */
import { copyBytes } from './copy-bytes.js';

// As the CommonJS object: an ESM import of a builtin reads all its exports, and node:fs's lazy ones (fs/promises,
// readline through it) cost every process that loads this ~5 ms at boot.
const { closeSync, ftruncateSync, openSync, readFileSync, rmSync, writeSync, writevSync } = process.getBuiltinModule('node:fs');
/** zlib's crc32, loaded with the first journal opened or read (node:zlib costs a process ~4 ms to load; most keep no journal). */
let crc32: typeof import('node:zlib').crc32 = (data, value) => (crc32 = process.getBuiltinModule('node:zlib').crc32)(data, value);

const RECORD_HEADER_BYTES = 12;
/** The length field of the end mark. */
const END_MARK = 0xffffffff;
/** A journal that grew past this is truncated when it rewinds, so the file does not keep the space. */
const TRUNCATE_ABOVE_BYTES = 1024 * 1024;
/** A record up to this size is copied into one buffer and written with one `pwrite` (cheaper than `pwritev` of its parts). */
const COPY_RECORD_BYTES = 4096;
/** Payloads shorter than this get their checksum over a view of the copy buffer made once per length (kept). */
const KEPT_VIEW_BYTES = 256;

/** The writing side: records frames until the socket has them (see the module comment). */
export class JournalWriter {
  readonly path: string;
  #fd: number;
  #offset = 0;
  /** The largest the file has been since it was last truncated. */
  #size = 0;
  readonly #header = Buffer.allocUnsafe(RECORD_HEADER_BYTES);
  readonly #endMark = Buffer.alloc(RECORD_HEADER_BYTES, 0xff);
  /** What one record writes without a prefix, reused (the payload slot is set per record). */
  readonly #parts: Uint8Array[] = [this.#header, this.#header, this.#endMark];
  /** A small record, whole (see COPY_RECORD_BYTES). */
  readonly #small = Buffer.allocUnsafeSlow(COPY_RECORD_BYTES);
  /** Views of a small record's payload, by length (see KEPT_VIEW_BYTES). */
  readonly #payloadViews: Uint8Array[] = [];

  /** Creates (or truncates) the file at `path`, readable only by this user. */
  constructor(path: string) {
    this.path = path;
    this.#fd = openSync(path, 'w', 0o600);
  }

  /** Bytes of records since the last rewind. */
  get bytes(): number {
    return this.#offset;
  }

  /**
   * Appends frame number `seq` (payload: `prefix` then `payload[start, end)`), and the end mark after it. Throws what
   * the file system throws (e.g. ENOSPC).
   */
  record(seq: number, payload: Uint8Array, prefix?: Uint8Array, start = 0, end = payload.length): void {
    const size = (prefix?.length ?? 0) + end - start;
    const bytes = RECORD_HEADER_BYTES + size;
    if (!prefix && bytes + RECORD_HEADER_BYTES <= COPY_RECORD_BYTES) {
      // One buffer, one write, and no view of the payload made (see copy-bytes.ts).
      const small = this.#small;
      copyBytes(payload, start, end, small, RECORD_HEADER_BYTES);
      small.writeUInt32BE(size, 0);
      small.writeUInt32BE(seq >>> 0, 4);
      small.writeUInt32BE(crc32(this.#payloadView(size)), 8);
      this.#endMark.copy(small, bytes);
      const total = bytes + RECORD_HEADER_BYTES;
      const written = writeSync(this.#fd, small, 0, total, this.#offset);
      if (written < total) this.#finish([small.subarray(0, total)], total, written);
    } else {
      const whole = start === 0 && end === payload.length ? payload : payload.subarray(start, end);
      const header = this.#header;
      header.writeUInt32BE(size, 0);
      header.writeUInt32BE(seq >>> 0, 4);
      header.writeUInt32BE(prefix ? crc32(whole, crc32(prefix)) : crc32(whole), 8);
      const parts = prefix ? [header, prefix, whole, this.#endMark] : this.#parts;
      if (!prefix) parts[1] = whole;
      const written = writevSync(this.#fd, parts, this.#offset);
      if (written < bytes + RECORD_HEADER_BYTES) this.#finish(parts, bytes + RECORD_HEADER_BYTES, written);
      this.#parts[1] = header; // not keeping the payload alive
    }
    this.#offset += bytes;
    if (this.#offset + RECORD_HEADER_BYTES > this.#size) this.#size = this.#offset + RECORD_HEADER_BYTES;
  }

  /** The payload of the small record being written, `size` bytes. */
  #payloadView(size: number): Uint8Array {
    const small = this.#small;
    if (size >= KEPT_VIEW_BYTES) return small.subarray(RECORD_HEADER_BYTES, RECORD_HEADER_BYTES + size);
    return (this.#payloadViews[size] ??= new Uint8Array(small.buffer, small.byteOffset + RECORD_HEADER_BYTES, size));
  }

  /** A short write (`written` of the `total` bytes of `parts`) to a regular file only happens when the disk is full: finishes it or throws. */
  #finish(parts: Uint8Array[], total: number, written: number): void {
    while (written < total) {
      const rest = Buffer.concat(parts).subarray(written);
      written += writevSync(this.#fd, [rest], this.#offset + written);
    }
  }

  /** Everything recorded has reached the OS: the next record starts the file again (a large file is truncated). */
  rewind(): void {
    this.#offset = 0;
    if (this.#size > TRUNCATE_ABOVE_BYTES) {
      ftruncateSync(this.#fd, 0);
      this.#size = 0;
    }
  }

  /** Closes the file; `remove` also deletes it (nothing in it is needed any more). */
  close(remove: boolean): void {
    if (this.#fd < 0) return;
    closeSync(this.#fd);
    this.#fd = -1;
    if (remove) rmSync(this.path, { force: true });
  }
}

/**
 * Reads the journal at `path` and returns the payloads of frames `from`, `from + 1`, … in order,
 * as far as the file holds them unbroken. A missing or unreadable file yields none.
 */
export function readJournal(path: string, from: number): Buffer[] {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch {
    return [];
  }
  const frames: Buffer[] = [];
  let expected = from >>> 0;
  for (let at = 0; at + RECORD_HEADER_BYTES <= data.length; ) {
    const length = data.readUInt32BE(at);
    if (length === END_MARK) break; // past it: bytes from before the last rewind
    const seq = data.readUInt32BE(at + 4);
    const end = at + RECORD_HEADER_BYTES + length;
    if (end > data.length) break;
    // Torn by the writer's death (see the module comment): this record and what follows it are not to be trusted.
    if (crc32(data.subarray(at + RECORD_HEADER_BYTES, end)) !== data.readUInt32BE(at + 8)) break;
    // Records before `from` were received; one out of sequence after them cannot be trusted.
    if (seq === expected) {
      frames.push(data.subarray(at + RECORD_HEADER_BYTES, end));
      expected = (expected + 1) >>> 0;
    } else if (frames.length > 0) {
      break;
    }
    at = end;
  }
  return frames;
}
