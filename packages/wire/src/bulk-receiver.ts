/**
 * The reading side of a peer's bulk ring, in a Channel (see bulk-ring.ts for
 * the ring, bulk-frames.ts for the control frames): opens the ring the peer
 * names, makes a {@link BulkMessage} of each bytes message it says lies
 * there, and gives the room back when the peer waits for it — in order (a
 * message read early never frees the room of one before it), at once if
 * something was read since the last answer, else by moving the unread
 * messages into memory of their own (as a socket's reader reads ahead), so a
 * writer waits for its reader no longer than it would on a socket.
 *
 * @module
 */
import type { BulkBytes, BulkOpen } from './bulk-frames.js';
import { BulkMessage, BulkRingReader } from './bulk-ring.js';
import { ProtocolError } from './errors.js';

/** See the module comment. */
export class BulkReceiver {
  readonly #where: string;
  /** Tells the peer its ring is free below `upTo`; false when it cannot be told now (this side's end is written). */
  readonly #giveBack: (upTo: number) => boolean;
  #ring: BulkRingReader | undefined;
  /** Ring addresses below this were read here (every message before it); below `#toldFree`, the peer was told so. */
  #readUpTo = 0;
  #toldFree = 0;
  /** Messages received and not all read yet, oldest first. */
  #unread: Array<{ message: BulkMessage; end: number; read: boolean }> = [];
  /** The peer waits for room: tell it at the next read. */
  #wanted = false;

  constructor(where: string, giveBack: (upTo: number) => boolean) {
    this.#where = where;
    this.#giveBack = giveBack;
  }

  /** The peer named its ring.
   * @throws {ProtocolError} `ERR_PROTOCOL` when it is not a ring a writer of this user made (see BulkRingReader). */
  open(frame: BulkOpen): void {
    this.#ring?.release();
    this.#ring = new BulkRingReader(frame.path, frame.size, this.#where);
    this.#readUpTo = this.#toldFree = 0;
    this.#unread = [];
  }

  /**
   * The peer says a bytes message lies in its ring: the message, to be read once.
   * @throws {ProtocolError} `ERR_PROTOCOL` before a ring was named, or for a message longer than the ring.
   */
  receive(frame: BulkBytes): BulkMessage {
    const ring = this.#ring;
    if (!ring) throw new ProtocolError(`${this.#where}: the peer sent a bulk message before naming its ring.`);
    if (frame.length > ring.size) throw new ProtocolError(`${this.#where}: the peer sent a bulk message of ${frame.length} bytes, over its ${ring.size}-byte ring.`);
    const entry = { message: undefined as unknown as BulkMessage, end: frame.at + frame.length, read: false };
    entry.message = new BulkMessage(ring, frame.at, frame.length, this.#where, () => {
      entry.read = true;
      this.#read();
    });
    this.#unread.push(entry);
    return entry.message;
  }

  /** The peer waits for room (see the module comment). */
  wait(): void {
    if (this.#readUpTo <= this.#toldFree) for (const { message } of this.#unread.slice()) message.keep();
    if (this.#readUpTo > this.#toldFree) this.#tell();
    else this.#wanted = true;
  }

  /** The channel is done: the ring goes once its unread messages let go of it. */
  close(): void {
    this.#ring?.release();
    this.#ring = undefined;
  }

  /** A message was read: the room up to the oldest one still unread goes back now, if the peer waits for it. */
  #read(): void {
    const unread = this.#unread;
    let done = 0;
    while (done < unread.length && unread[done]!.read) this.#readUpTo = unread[done++]!.end;
    if (done > 0) unread.splice(0, done);
    if (this.#wanted && this.#readUpTo > this.#toldFree) this.#tell();
  }

  #tell(): void {
    this.#wanted = false;
    if (this.#giveBack(this.#readUpTo)) this.#toldFree = this.#readUpTo;
  }
}
