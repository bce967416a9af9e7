/**
 * Where a process records, item by item, how much of each batch reply it has
 * used, so that the owner knows it even if the process is SIGKILLed the next
 * instant: a file in shared memory (tmpfs), one 16-byte slot per batch on its
 * way to being used, `[call id f64, items used u32, given back u32]`, each update one `pwrite`
 * that wakes nobody (a socket receipt per item would wake the owner per item).
 *
 * The caller of a batch (a queue consumer) takes a free slot before it sends the
 * call and names the slot in the call; the owner, told the file's path once per
 * connection, opens it and unlinks it (nothing is left behind whoever dies). The
 * caller updates the slot before its code sees each item; the usual receipts
 * still travel on the socket, a tick later, for the owner's bookkeeping while
 * the caller lives. When the connection closes, the owner reads the slot of
 * each batch not yet settled. Call ids only grow, so: a record of that call says
 * how many items were used; a record of a later call means the caller had used
 * them all and reused the slot (a slot is freed only then; one given back early
 * keeps its slot, marked, for the life of the connection); a record of an
 * earlier call means it used none yet. With no free slot, or no shared memory,
 * the caller writes a receipt to the socket per item.
 *
 * @module
 */
import { closeSync, constants, existsSync, fstatSync, ftruncateSync, lstatSync, openSync, readSync, rmdirSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ProtocolError } from '../errors.js';
import { privateSocketDir, sweepSocketDirs } from './transport.js';

const SHM = '/dev/shm';
const DIR_PREFIX = 'multiproc-acks-';
const FILE_NAME = 'acks';
/**
 * Slots per connection: batches on their way to being used at once, plus one for each batch given back early
 * (kept for the connection's life). A file of this many slots takes memory only for the pages written.
 */
export const ACK_SLOTS = 4096;
const SLOT_BYTES = 16;
const FILE_BYTES = ACK_SLOTS * SLOT_BYTES;

let swept = false;
let exitHooked = false;
const liveWriters = new Set<AckJournalWriter>();

/** The caller's side: one per connection that asks for batches. */
export class AckJournalWriter {
  readonly path: string;
  readonly #dir: string;
  #fd: number;
  readonly #free: number[] = [];
  readonly #record = Buffer.alloc(SLOT_BYTES);

  /**
   * Makes one, or undefined where there is no shared memory (or it cannot be made), or the environment says not to
   * (`MULTIPROC_RECEIPTS_FILE=off`: receipts go to the socket, one write per item).
   */
  static create(): AckJournalWriter | undefined {
    try {
      if (process.env.MULTIPROC_RECEIPTS_FILE === 'off' || !existsSync(SHM)) return undefined;
      if (!swept) {
        swept = true;
        sweepSocketDirs(DIR_PREFIX, SHM);
      }
      return new AckJournalWriter(privateSocketDir(DIR_PREFIX, SHM));
    } catch {
      return undefined;
    }
  }

  private constructor(dir: string) {
    this.#dir = dir;
    this.path = join(dir, FILE_NAME);
    try {
      this.#fd = openSync(this.path, 'w+', 0o600);
      ftruncateSync(this.#fd, FILE_BYTES);
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
    for (let slot = ACK_SLOTS - 1; slot >= 0; slot--) this.#free.push(slot);
    if (!exitHooked) {
      exitHooked = true;
      process.once('exit', () => liveWriters.forEach((w) => w.close()));
    }
    liveWriters.add(this);
  }

  /** A slot for a batch call; undefined when none is free (or the file failed). Its record is of an earlier call: nothing used yet. */
  open(): number | undefined {
    return this.#fd < 0 ? undefined : this.#free.pop();
  }

  /**
   * Records that call `id` has used `used` items (`givenBack`: and gave the rest back). Returns false when the file
   * could not be written: the caller then sends a receipt on the socket.
   */
  record(slot: number, id: number, used: number, givenBack = false): boolean {
    return this.#write(slot, id, used, givenBack);
  }

  /** Call `id` used every item of its batch: its slot may serve another call. */
  free(slot: number): void {
    this.#free.push(slot);
  }

  /** Closes the file and removes it if the owner did not. */
  close(): void {
    if (this.#fd < 0) return;
    liveWriters.delete(this);
    try {
      closeSync(this.#fd);
    } catch {
      // already closed
    }
    this.#fd = -1;
    rmSync(this.#dir, { recursive: true, force: true });
  }

  #write(slot: number, id: number, used: number, givenBack: boolean): boolean {
    if (this.#fd < 0) return false;
    // The id as a double: exact far beyond any number of calls, so ids never wrap.
    this.#record.writeDoubleLE(id, 0);
    this.#record.writeUInt32LE(used >>> 0, 8);
    this.#record.writeUInt32LE(givenBack ? 1 : 0, 12);
    try {
      return writeSync(this.#fd, this.#record, 0, SLOT_BYTES, slot * SLOT_BYTES) === SLOT_BYTES;
    } catch {
      this.close(); // tmpfs full: receipts go on the socket from now on
      return false;
    }
  }
}

/** What a slot says about call `id`: how many of its items were used (Infinity: all), and whether the rest went back. */
export interface SlotReading {
  used: number;
  givenBack: boolean;
}

/** The owner's side: the caller's file, opened when the caller names it. */
export class AckJournalReader {
  #fd: number;
  readonly #record = Buffer.alloc(SLOT_BYTES);

  /**
   * Opens the file at `path` after checking it is one a caller of this user made (a private directory of this user
   * in shared memory, a private regular file of the right size, not a link), then unlinks it.
   *
   * @throws {ProtocolError} `ERR_PROTOCOL` when it is not.
   */
  constructor(path: string, where: string) {
    const refuse = (why: string) => new ProtocolError(`${where}: the peer named ${JSON.stringify(String(path)).slice(0, 200)} as its receipts file, and ${why}.`);
    if (typeof path !== 'string') throw refuse('that is not a path');
    const dir = dirname(path);
    if (dirname(dir) !== SHM || !basename(dir).startsWith(DIR_PREFIX) || basename(path) !== FILE_NAME) throw refuse('that is not where they are made');
    let fd: number;
    try {
      const dirStat = lstatSync(dir);
      if (!dirStat.isDirectory() || dirStat.uid !== process.getuid?.() || (dirStat.mode & 0o077) !== 0) throw refuse('its directory is not a private directory of this user');
      fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch (cause) {
      if (cause instanceof ProtocolError) throw cause;
      throw new ProtocolError(`${where}: the peer's receipts file ${path} could not be opened.`, { cause });
    }
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.uid !== process.getuid?.() || (stat.mode & 0o077) !== 0 || stat.size !== FILE_BYTES) {
      closeSync(fd);
      throw refuse('it is not a private file of this user of the right size');
    }
    this.#fd = fd;
    try {
      unlinkSync(path);
      rmdirSync(dir);
    } catch {
      // The caller removed them already: the descriptor still reads the file.
    }
  }

  /** What slot `slot` says about call `id`; undefined when it cannot be read. */
  read(slot: number, id: number): SlotReading | undefined {
    if (this.#fd < 0 || !Number.isInteger(slot) || slot < 0 || slot >= ACK_SLOTS) return undefined;
    try {
      if (readSync(this.#fd, this.#record, 0, SLOT_BYTES, slot * SLOT_BYTES) !== SLOT_BYTES) return undefined;
    } catch {
      return undefined;
    }
    const recorded = this.#record.readDoubleLE(0);
    // A later call's record: this one's items were all used before its slot was taken again; an earlier one's (or
    // none: zeros): none yet.
    if (recorded > id) return { used: Infinity, givenBack: false };
    if (recorded !== id) return { used: 0, givenBack: false };
    return { used: this.#record.readUInt32LE(8), givenBack: this.#record.readUInt32LE(12) === 1 };
  }

  close(): void {
    if (this.#fd < 0) return;
    closeSync(this.#fd);
    this.#fd = -1;
  }
}
