/**
 * A bulk ring: large bytes messages travel beside a Channel's socket, through
 * a file in shared memory (tmpfs, /dev/shm), and only a small frame naming
 * where each one lies travels in the stream.
 *
 * Why: a Unix socket holds about 200 KiB, and a non-blocking writer is woken
 * only once the reader has emptied three quarters of it, so a megabyte crosses
 * in five or more strict turns of writer then reader, each a wake-up of an
 * event loop. Through the file, the writer copies a whole message in one
 * `pwrite` and the reader in one `pread` — both plain memory copies, each side
 * at its own pace. Measured on this project's machine, 1 MiB messages into a
 * reused buffer: about 2 GB/s through the socket, 5–7 GB/s through the ring,
 * more than a C program's blocking socketpair stream.
 *
 * The writer makes the file (mode 0600, in a 0700 directory named after its
 * pid), lays messages out one after the other, each whole (never split across
 * the end of the file), and reuses room the reader has given back. Messages
 * larger than a quarter of the ring go through the socket, in the stream's
 * order. When the ring is full the writer says so and waits — it, and what it
 * sends after — until the reader gives room back: at once if the reader has
 * taken messages since it last did, else by moving the messages it has not
 * taken into memory of its own (as a socket's reader reads ahead), so a writer
 * waits for its reader no longer than it would on a socket.
 *
 * The reader opens the file once it is named, checks it is what a writer of
 * this user made (a private directory of this user in /dev/shm, not a link; a
 * private regular file of the stated size; opened without blocking and without
 * following a link), and unlinks it at once: from then on the two descriptors
 * keep it, and nothing is left behind whoever dies. A writer that exits before
 * its reader has the file leaves it in place — a writer may exit right after
 * sending, and its messages must still be readable — and the reader removes it
 * when it opens it. One whose reader never comes to it is swept by the next
 * process that makes a ring, once its writer is gone and ten minutes have passed
 * since it exited. A writer whose connection ended otherwise removes its file.
 *
 * @module
 */
import { basename, dirname, join } from 'node:path';
import { InvalidArgumentError, InvalidStateError, ProtocolError } from './errors.js';
import { cleanUpAtExit } from './exit-cleanup.js';
import { privateSocketDir, sweepSocketDirs } from './runtime/transport.js';

// As the CommonJS object: an ESM import of a builtin reads all its exports, and node:fs's lazy ones (fs/promises,
// readline through it) cost every process that loads this ~5 ms at boot.
const { closeSync, constants, existsSync, fstatSync, ftruncateSync, lstatSync, openSync, readSync, rmdirSync, rmSync, unlinkSync, utimesSync, writeSync } = process.getBuiltinModule('node:fs');

/** Where rings go: shared memory, never a disk. No such directory (not Linux): no ring, the socket carries everything. */
const SHM = '/dev/shm';
/** The rings' directories: `multiproc-bulk-<pid>-XXXXXX`. */
const DIR_PREFIX = 'multiproc-bulk-';
const FILE_NAME = 'ring';
/** {@link BulkRingWriter.write}: the bytes fit, but not now (the reader has not given back enough room). */
export const RING_FULL = -1;
/** {@link BulkRingWriter.write}: the bytes never go through this ring (too large, or it could not be written: tmpfs full). */
export const RING_REFUSED = -2;
/** A ring's size: room for a few large messages in flight. */
export const RING_BYTES = 8 * 1024 * 1024;
/** Larger messages go through the socket (a ring of messages this size still has room for four). */
export const RING_MAX_MESSAGE_BYTES = RING_BYTES / 4;

/** A ring left by a writer that exited, and whose reader has not opened it, is swept this long after the exit. */
const SWEEP_AFTER_MS = 10 * 60_000;

/** This process's open rings, closed at exit (or on a signal that ends it). */
const liveRings = new Set<BulkRingWriter>();
let swept = false;
let exitHooked = false;

function track(ring: BulkRingWriter): void {
  liveRings.add(ring);
  if (exitHooked) return;
  exitHooked = true;
  cleanUpAtExit(() => {
    for (const ring of liveRings) ring.close(false);
  });
}

/** The writing side: one per Channel that sends large bytes. */
export class BulkRingWriter {
  readonly path: string;
  readonly size = RING_BYTES;
  readonly #dir: string;
  #fd: number;
  /** The ring address (bytes ever laid out, with the skips to a lap's start) where the next message may go. */
  #written = 0;
  /** Addresses below this were given back by the reader. */
  #freed = 0;
  /** The reader gave room back, so it has the file open (and unlinked it). */
  #opened = false;
  /** A write failed: nothing more goes through this ring. */
  #broken = false;

  /** Makes a ring, or undefined where there is no shared memory to make it in (or it cannot be made). */
  static create(): BulkRingWriter | undefined {
    try {
      if (!existsSync(SHM)) return undefined;
      if (!swept) {
        swept = true;
        sweepSocketDirs(DIR_PREFIX, SHM, SWEEP_AFTER_MS);
      }
      return new BulkRingWriter(privateSocketDir(DIR_PREFIX, SHM));
    } catch {
      return undefined;
    }
  }

  private constructor(dir: string) {
    this.#dir = dir;
    this.path = join(dir, FILE_NAME);
    track(this);
    try {
      this.#fd = openSync(this.path, 'w+', 0o600);
      // Sparse: tmpfs takes memory only for the pages written.
      ftruncateSync(this.#fd, this.size);
    } catch (error) {
      this.close(true);
      throw error;
    }
  }

  /**
   * Copies `bytes` into the ring and returns their address; or RING_FULL (wait for the reader to
   * give room back), or RING_REFUSED (send them another way; after a failed write, every call).
   */
  write(bytes: Uint8Array): number {
    const length = bytes.byteLength;
    if (length > RING_MAX_MESSAGE_BYTES || this.#fd < 0 || this.#broken) return RING_REFUSED;
    let at = this.#written;
    const offset = at % this.size;
    // A message is never split: past the end of the file, it starts the next lap.
    if (offset + length > this.size) at += this.size - offset;
    if (at + length - this.#freed > this.size) return RING_FULL;
    try {
      for (let done = 0; done < length; ) done += writeSync(this.#fd, bytes, done, length - done, (at % this.size) + done);
    } catch {
      this.#broken = true; // ENOSPC: the socket takes everything from now on
      return RING_REFUSED;
    }
    this.#written = at + length;
    return at;
  }

  /** The reader took every message below `upTo`. */
  free(upTo: number): void {
    this.#opened = true;
    if (upTo > this.#freed && upTo <= this.#written) this.#freed = upTo;
  }

  /**
   * Closes the file and removes its directory, if the reader has the file or never will
   * (`readerDone`); else the file is left for the reader to open, or for a sweep (see the module comment).
   */
  close(readerDone: boolean): void {
    if (this.#fd >= 0) closeSync(this.#fd);
    this.#fd = -1;
    liveRings.delete(this);
    if (this.#opened || readerDone) return void rmSync(this.#dir, { recursive: true, force: true });
    // Left for the reader: the sweep's grace period counts from now, not from when the ring was made.
    try {
      const now = new Date();
      utimesSync(this.#dir, now, now);
    } catch {
      // gone already
    }
  }
}

/** The reading side: the ring a peer named in a {@link BulkOpen} frame. */
export class BulkRingReader {
  readonly size: number;
  #fd: number;
  /** The Channel, and each {@link BulkMessage} not read yet: the file closes when the last lets go. */
  #holders = 1;

  /**
   * Opens the ring at `path`, after checking that it is one a writer of this user made (in
   * shared memory, a ring directory, a regular file of mode 0600 owned by this user, of `size`
   * bytes), then unlinks it.
   *
   * @throws {ProtocolError} `ERR_PROTOCOL` when it is not (the peer is not a multiproc writer, or not this user's).
   */
  constructor(path: string, size: number, where: string) {
    const refuse = (why: string) => new ProtocolError(`${where}: the peer named ${JSON.stringify(path).slice(0, 200)} as its bulk ring, and ${why}.`);
    const dir = dirname(path);
    if (dirname(dir) !== SHM || !basename(dir).startsWith(DIR_PREFIX) || basename(path) !== FILE_NAME || size <= 0) throw refuse('that is not where rings are made');
    // The directory itself must be one of this user's, not a symlink (only the last component is O_NOFOLLOW); in the
    // sticky /dev/shm nobody else can then swap it. O_NONBLOCK: opening a FIFO must not block the event loop.
    let dirStat;
    try {
      dirStat = lstatSync(dir);
    } catch (cause) {
      throw new ProtocolError(`${where}: the peer's bulk ring ${path} could not be opened (its process is gone?).`, { cause });
    }
    if (!dirStat.isDirectory() || dirStat.uid !== process.getuid?.() || (dirStat.mode & 0o077) !== 0) throw refuse('its directory is not a private directory of this user');
    let fd: number;
    try {
      fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch (cause) {
      throw new ProtocolError(`${where}: the peer's bulk ring ${path} could not be opened (its process is gone?).`, { cause });
    }
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.uid !== process.getuid?.() || (stat.mode & 0o077) !== 0 || stat.size !== size) {
      closeSync(fd);
      throw refuse('it is not a private file of this user of that size');
    }
    this.#fd = fd;
    this.size = size;
    try {
      unlinkSync(path);
      rmdirSync(dir);
    } catch {
      // The writer removed them already (it closed): our descriptor still reads the file.
    }
  }

  /**
   * Reads the message of `into.length` bytes at address `at` into `into`.
   * @throws {ProtocolError} `ERR_PROTOCOL` when it lies outside the ring, or the file is shorter.
   */
  read(at: number, into: Uint8Array, where: string): void {
    const length = into.byteLength;
    const offset = at % this.size;
    if (offset + length > this.size) throw new ProtocolError(`${where}: a bulk message of ${length} bytes at ${offset} lies past the end of the ${this.size}-byte ring.`);
    for (let done = 0; done < length; ) {
      const n = readSync(this.#fd, into, done, length - done, offset + done);
      if (n === 0) throw new ProtocolError(`${where}: the bulk ring ended inside a message.`);
      done += n;
    }
  }

  /** One more holder (a {@link BulkMessage}). */
  hold(): void {
    this.#holders++;
  }

  /** A holder lets go; the last one closes the file. */
  release(): void {
    if (--this.#holders > 0 || this.#fd < 0) return;
    closeSync(this.#fd);
    this.#fd = -1;
  }
}

/**
 * A bytes message that lies in the peer's ring, not read yet: what a Channel made with
 * `deferBulk` delivers for it, so the receiver reads it straight where it wants it, when it
 * takes it. Its room goes back to the writer once it is read — or sooner, when the writer waits
 * for room and the receiver has not taken anything since: then the channel moves the messages
 * still unread into memory of their own (`keep()`), as a socket's reader would have read them,
 * so a writer waits for its reader only as long as it would on a socket. Read each once.
 */
export class BulkMessage {
  /** Its size in bytes. */
  readonly length: number;
  /** Where it lies, while it lies in the ring. */
  #ring: BulkRingReader | undefined;
  /** Its bytes, once moved out of the ring before it was taken (`keep()`). */
  #kept: Buffer | undefined;
  readonly #at: number;
  readonly #where: string;
  readonly #onRead: () => void;

  /** @internal Made by the Channel; `onRead` (called once) gives the room back. */
  constructor(ring: BulkRingReader, at: number, length: number, where: string, onRead: () => void) {
    ring.hold();
    this.#ring = ring;
    this.#at = at;
    this.length = length;
    this.#where = where;
    this.#onRead = onRead;
  }

  /**
   * Reads the message into the start of `into`; returns the view of `into` that holds it.
   * @throws {InvalidArgumentError} `ERR_INVALID_ARGUMENT` when `into` is shorter than the message.
   * @throws {InvalidStateError} `ERR_INVALID_STATE` when it was read (or discarded) already.
   */
  readInto(into: Uint8Array): Buffer {
    if (into.byteLength < this.length) throw new InvalidArgumentError(`${this.#where}: a bulk message of ${this.length} bytes does not fit in ${into.byteLength}.`);
    const view = Buffer.from(into.buffer, into.byteOffset, this.length);
    const kept = this.#kept;
    if (kept) {
      this.#kept = undefined;
      kept.copy(view);
      return view;
    }
    this.#fromRing(view);
    return view;
  }

  /** Reads the message into a Buffer of its own. */
  read(): Buffer {
    const kept = this.#kept;
    if (kept) {
      this.#kept = undefined;
      return kept;
    }
    return this.#fromRing(Buffer.allocUnsafeSlow(this.length));
  }

  /** @internal Moves it out of the ring into memory of its own, now, giving the room back (the writer waits for it). */
  keep(): void {
    if (this.#ring) this.#kept = this.#fromRing(Buffer.allocUnsafeSlow(this.length));
  }

  /** Lets it go unread (its receiver closed). */
  discard(): void {
    this.#kept = undefined;
    const ring = this.#ring;
    if (!ring) return;
    this.#ring = undefined;
    ring.release();
    // Never to be read: its room goes back as if it had been (a writer waiting for it must not wait forever).
    this.#onRead();
  }

  #fromRing(into: Buffer): Buffer {
    const ring = this.#ring;
    if (!ring) throw new InvalidStateError(`${this.#where}: a bulk message is read once.`);
    this.#ring = undefined;
    try {
      ring.read(this.#at, into, this.#where);
    } finally {
      ring.release();
    }
    this.#onRead();
    return into;
  }
}
