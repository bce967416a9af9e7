/**
 * A message channel over a byte stream: msgpack values in length-prefixed frames.
 *
 * - Sends are encoded at once (so encode errors throw at the call site) and
 *   written in one batch per microtask: a burst of sends costs one syscall.
 * - Received frames are decoded straight from the read buffer.
 * - `send()` returns false once the peer is not keeping up (Node's own
 *   backpressure contract); `drained()` resolves when it is.
 * - A frame that is too large, truncated or not decodable closes this channel
 *   with a coded error; the process and every other channel keep running.
 *
 * @module
 */
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { Codec, type EncodedInPlace } from './codec.js';
import { copyBytes } from './copy-bytes.js';
import { swapDecodeContext, swapEncodeContext, type EncodeContext, type Transfer } from './encode-context.js';
import { RequireModules, ResetCodec } from './required-modules.js';
import { importRequiredModule } from './class-ref.js';
import { ChannelClosedError, FrameDecodeError, FrameTooLargeError, MultiprocError, ProtocolError } from './errors.js';
import { isPeerGoneError, peerSocketGone } from './peer-gone.js';
import { DEFAULT_MAX_FRAME_BYTES, FRAME_HEADER_BYTES, FrameDecoder, PLACE_HEAD_BYTES } from './frame-decoder.js';
import { readInto } from './read-into.js';
import { JournalWriter, readJournal } from './journal.js';
import { BulkBytes, BulkFree, BulkOpen, BulkWait } from './bulk-frames.js';
import { BulkRingWriter, RING_FULL, RING_REFUSED } from './bulk-ring.js';
import { BulkReceiver } from './bulk-receiver.js';
import { busyPoll, type BusyPoll } from './busy-poll.js';
import { isTrustedModule } from './runtime/user-imports.js';

// As the CommonJS object: an ESM import of a builtin reads all its exports, and node:fs's lazy ones (fs/promises,
// readline through it) cost every process that loads this ~5 ms at boot.
const { readSync, rmSync, writeSync } = process.getBuiltinModule('node:fs');

/** Options of a {@link Channel}. */
export interface ChannelOptions<In> {
  /** Names the channel in error messages. @default "channel" */
  name?: string;
  /** Largest payload accepted from the peer, in bytes. @default 268435456 (256 MiB) */
  maxFrameBytes?: number;
  /** Bytes queued for writing above which `send()` returns false. @default 1048576 (1 MiB) */
  highWaterMark?: number;
  /** Called with each message, in order. A throw closes the channel with that error. */
  onMessage: (message: In) => void;
  /** Called once when the channel closes: `error` is undefined for a clean close by either side. */
  onClose?: (error: MultiprocError | Error | undefined) => void;
  /**
   * Sends OS handles (Pipe ends) that encoded messages refer to, on a side channel that can carry
   * them (Node's IPC channel). Without it, encoding a message that holds one fails with `ERR_ENCODE`.
   */
  transfer?: ((transfers: Transfer[]) => void) | undefined;
  /** What decoders see as `currentDecodeContext()` while this channel decodes (a Peer passes itself). */
  decodeContext?: unknown;
  /**
   * Bytes messages the peer sent through its bulk ring (see `sendBuffer`) arrive as
   * {@link BulkMessage}s, read when the receiver takes them — in the order received — rather than
   * as Buffers read on arrival. @default false
   */
  deferBulk?: boolean;
  /** Told of every write and read, to poll for replies (see {@link BusyPoll}). @default the process's `busyPoll` */
  busyPoll?: BusyPoll;
  /**
   * The peer reached this process through an owner's socket (it proved only that it knows the tree's secret): it may
   * make this process import only modules this process trusts already (see runtime/user-imports.ts); naming another
   * closes the channel with `ERR_PROTOCOL`. Otherwise (a channel this process tree made: parent↔child, a Pipe) the
   * modules it names are imported and trusted from then on. @default false
   */
  trustedImportsOnly?: boolean;
  /**
   * Whether the peer's process is still alive. While frames are held for an import (see `#importThenResume`) and this
   * side has stopped reading (so it cannot see the peer's stream end), or the stream has ended, this is asked every
   * second; once it is false and the import has been pending for HELD_AFTER_DEATH_MS, the channel is destroyed and
   * the held frames go (a peer that died is not waited for by an import that may never finish). @default never asked
   */
  isPeerAlive?: (() => boolean) | undefined;
}

/** A bytes message waiting for room in the bulk ring, and its `sendBuffer()` promise. */
interface WaitingBytes {
  bytes: Buffer;
  resolve: () => void;
  reject: (error: Error) => void;
}

/** Flushes are scheduled on it (see `#scheduleFlush`). */
const RESOLVED = Promise.resolve();
/**
 * A tick's first batch buffer. Small, so that it comes from Node's shared buffer pool (below 4 KiB): a batch of
 * its own of 16 KiB cost ~1–3 µs to allocate per flush, a tenth of a round trip; a burst grows it by doubling.
 */
const INITIAL_BATCH_BYTES = 512;
/** A batch buffer up to this size is kept for the next batch once written (see `#flush`); a larger one is let go. */
const MAX_SPARE_BYTES = 64 * 1024;
/** msgpack's bin 32 header: the type byte and a 32-bit length. */
const BIN32_HEADER_BYTES = 5;
/**
 * Frames held while a peer's modules are imported (see `#importThenResume`) may take this much memory; then this side
 * stops reading until the import is done. Each frame counts its bytes and HELD_FRAME_COST (its view and list slot).
 */
const MAX_HELD_BYTES = 1024 * 1024;
const HELD_FRAME_COST = 128;
/** How often a channel that stopped reading for held frames asks whether its peer is alive (see `isPeerAlive`). */
const ALIVE_CHECK_MS = 1000;
/** A dead peer's frames held for an import still pending this long are let go (see `isPeerAlive`). */
const HELD_AFTER_DEATH_MS = 5000;
/** Frames from this size on are written as they are, not copied into the batch. */
const DIRECT_WRITE_BYTES = 64 * 1024;

/**
 * A bidirectional message channel. `In` is what the peer sends, `Out` what this side sends.
 *
 * @example
 * ```ts
 * const channel = new Channel<Reply, Request>(socket, { onMessage: (reply) => … });
 * channel.send({ t: 'ping' });
 * await channel.close();
 * ```
 */
export class Channel<In = unknown, Out = unknown> {
  readonly #socket: Duplex & { ref?: () => unknown; unref?: () => unknown };
  readonly #codec = new Codec();
  readonly #decoder: FrameDecoder;
  readonly #name: string;
  /** The longest frame this side reads, and sends (the peer's limit is taken to be the same). */
  readonly #maxFrameBytes: number;
  readonly #highWaterMark: number;
  readonly #onMessage: (message: In) => void;
  readonly #onClose: ((error: Error | undefined) => void) | undefined;
  #batch: Buffer | undefined;
  #batchBytes = 0;
  /** The last batch buffer, once the socket wrote it synchronously (nothing keeps it): the next batch reuses it. */
  #spare: Buffer | undefined;
  /** The stream is a socket: a batch it wrote synchronously is with the kernel, and its buffer free again (see `#flush`). */
  readonly #reusesBatches: boolean;
  #flushScheduled = false;
  #closed = false;
  /** close() was called: nothing more may be sent, though queued messages are still being written. */
  #closing = false;
  /** This side's end of the stream is written: nothing more may be. */
  #endWritten = false;
  /** Filled while a message is encoded (reused). */
  readonly #encoding: EncodeContext;
  readonly #transfer: ((transfers: Transfer[]) => void) | undefined;
  readonly #decodeContext: unknown;
  readonly #deferBulk: boolean;
  readonly #busyPoll: BusyPoll;
  readonly #trustedImportsOnly: boolean;
  readonly #isPeerAlive: (() => boolean) | undefined;
  /** Asks isPeerAlive while frames are held and reading is stopped or the stream ended. */
  #aliveCheck: NodeJS.Timeout | undefined;
  /** When the frames now held began to be held. */
  #heldSince = 0;
  /** Modules this side told the peer to import. */
  readonly #announced = new Set<string>();
  /** Frames received while modules a peer announced are being imported. */
  #held: Buffer[] | undefined;
  /** What the held frames cost (their bytes, and a little for each): past MAX_HELD_BYTES this side stops reading. */
  #heldBytes = 0;
  /** Why reading is stopped: the user's flow control (`pause()`), frames held for an import. Reading goes on when none is left. */
  readonly #readStops = new Set<'paused' | 'held'>();
  /** The stream ended while frames were held: the channel closes once they are delivered. */
  #endAfterHeld: { error: Error | undefined } | undefined;
  #closeError: Error | undefined;
  #drainWaiters: Array<() => void> = [];
  #closeWaiters: Array<() => void> = [];
  /** Frames sent and received, control frames included: how journal records are numbered. */
  #framesOut = 0;
  #framesIn = 0;
  #journal: JournalWriter | undefined;
  /** While `sendNow()` runs: frames joining the batch are journaled only if the socket cannot take them at once. */
  #deferRecords = false;
  /** Where the batch's first such frame starts (-1: none), and its number. */
  #deferredFrom = -1;
  #deferredSeq = 0;
  /** Where the peer keeps its journal, read when its stream ends. */
  #recoverFrom: string | undefined;
  /** Where the next large bytes message goes, if it fits (see `readBytesInto`). */
  #bytesTarget: Buffer | undefined;
  /** Points the socket's next read where the decoder now wants it (when it reads into buffers the decoder chooses). */
  #rearm: (() => void) | undefined;
  /** sendBuffer() promises of ring messages whose BulkBytes frame is in the batch: settled when it is written. */
  #writtenWaiters: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  /** The ring large bytes messages are sent through (see bulk-ring.ts); null: none to be had here. */
  #ringOut: BulkRingWriter | null | undefined;
  /** The peer's ring: its messages, and the room they give back. */
  readonly #ringIn: BulkReceiver;
  /**
   * While a bytes message waits for room in the ring: it and everything sent after it (encoded
   * frames, bytes messages), in order. They go out as the reader gives room back (see `#release`).
   */
  #waiting: Array<Uint8Array | WaitingBytes> | undefined;
  /** What close() and end() do once nothing waits for room. */
  #afterRelease: Array<() => void> = [];
  /** Bytes sent and received (those of the bulk ring too, also counted apart), for tests and stats. */
  readonly counters = { bytesOut: 0, bytesIn: 0, messagesOut: 0, messagesIn: 0, ringBytesOut: 0, ringBytesIn: 0 };

  constructor(socket: Duplex, options: ChannelOptions<In>) {
    this.#socket = socket;
    this.#name = options.name ?? 'channel';
    this.#highWaterMark = options.highWaterMark ?? 1024 * 1024;
    this.#onMessage = options.onMessage;
    this.#onClose = options.onClose;
    this.#transfer = options.transfer;
    this.#decodeContext = options.decodeContext;
    this.#deferBulk = options.deferBulk ?? false;
    this.#busyPoll = options.busyPoll ?? busyPoll;
    this.#trustedImportsOnly = options.trustedImportsOnly ?? false;
    this.#isPeerAlive = options.isPeerAlive;
    // (Not a TLS socket, whose writes go through its own buffers first.)
    this.#reusesBatches = socket instanceof Socket && !(socket as { encrypted?: boolean }).encrypted;
    this.#ringIn = new BulkReceiver(this.#name, (upTo) => this.#giveRoomBack(upTo));
    this.#encoding = { modules: [], transfers: [], canTransfer: options.transfer !== undefined, name: this.#name };
    this.#maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    this.#decoder = new FrameDecoder(
      (source, start, end) => {
        this.#framesIn++;
        this.#receive(source, start, end);
      },
      this.#maxFrameBytes,
      this.#name,
      {
        armed: () => this.#bytesTarget !== undefined && this.#held === undefined,
        place: (length, head) => this.#placeBytes(length, head),
        onPlaced: (_head, body) => {
          this.#framesIn++;
          if (this.#closed) return;
          this.counters.messagesIn++;
          this.#onMessage(body as In);
        },
      },
    );
    const onChunk = (chunk: Buffer) => {
      if (this.#closed) return;
      this.#busyPoll.read();
      this.counters.bytesIn += chunk.length;
      try {
        this.#decoder.push(chunk);
      } catch (error) {
        this.destroy(error as Error);
      }
    };
    // A socket reads straight where the decoder wants its bytes (a large frame: into its own buffer).
    const readsInto = readInto(
      socket,
      {
        readBuffer: () => this.#decoder.readBuffer(),
        wrote: (n) => {
          if (this.#closed) return;
          this.#busyPoll.read();
          this.counters.bytesIn += n;
          try {
            this.#decoder.wrote(n);
          } catch (error) {
            this.destroy(error as Error);
          }
        },
      },
      onChunk,
    );
    if (!readsInto) socket.on('data', onChunk);
    else this.#rearm = readsInto;
    socket.on('end', () => this.#onEnd(undefined));
    socket.on('error', (error: Error) => this.#onSocketError(error));
    socket.on('close', () => this.#finishAfterHeld(this.#recoverAfter(undefined)));
    socket.on('drain', () => this.#onWritten());
    // A socket handed over paused (e.g. after a handshake read its first bytes) must flow:
    // a new 'data' listener does not resume a stream that was paused explicitly.
    socket.resume();
  }

  /** The channel's name, as used in error messages. */
  get name(): string {
    return this.#name;
  }

  /** True once closed or destroyed, by either side. */
  get closed(): boolean {
    return this.#closed;
  }

  /** True while the peer is not keeping up; `drained()` resolves when it catches up. */
  get needsDrain(): boolean {
    // A journal keeps everything not yet written: it must not outgrow the buffers either.
    return (
      this.#waiting !== undefined ||
      this.#batchBytes + this.#socket.writableLength > this.#highWaterMark ||
      (this.#journal?.bytes ?? 0) > 2 * this.#highWaterMark
    );
  }

  /** True while frames sent are journaled (see `keepJournal`). */
  get journaling(): boolean {
    return this.#journal !== undefined;
  }

  /**
   * From now on, writes every frame this side sends to a journal file at `path` (created, mode
   * 0600) before `send()` returns, until the socket has written it. If this process then dies,
   * a peer that called `recoverFrom(path)` still receives every frame sent from then on, in order.
   * While the journal holds more than twice `highWaterMark` bytes, `send()` returns false (wait
   * for `drained()`). The file is removed when the channel closes while this process lives.
   *
   * @throws what the file system throws when the file cannot be created.
   */
  keepJournal(path: string): void {
    this.#journal?.close(true);
    this.#journal = new JournalWriter(path);
  }

  /**
   * When the peer's stream ends, takes the frames it sent and this side did not receive (it
   * died with them unwritten) from the peer's journal at `path`, then removes the file.
   */
  recoverFrom(path: string): void {
    this.#recoverFrom = path;
  }

  /**
   * Reads the next bytes message (one the peer sent as a Buffer or with `sendBuffer`) straight
   * into `target`, if it is large (64 KiB or more) and fits: `onMessage` then receives a view of
   * `target` holding it, and no copy is made. Only the next such message, once; smaller messages
   * arrive as usual. `undefined` cancels: a message already being read into `target` is moved to
   * memory of its own first, so nothing is written into `target` after this returns.
   */
  readBytesInto(target: Buffer | undefined): void {
    this.#bytesTarget = target;
    if (target === undefined && this.#decoder.unplace()) this.#rearm?.();
  }

  /**
   * Queues a message; it is written with the others sent in the same tick.
   *
   * @returns false when the caller should wait for `drained()` before sending more.
   * @throws {ChannelClosedError} `ERR_CHANNEL_CLOSED` when the channel is closed.
   * @throws {EncodeError} `ERR_ENCODE` when the message cannot be encoded; nothing is queued.
   * @throws {FrameTooLargeError} `ERR_FRAME_TOO_LARGE` when it encodes to more than `maxFrameBytes`; nothing is queued.
   */
  send(message: Out): boolean {
    if (this.#closed || this.#closing) {
      throw new ChannelClosedError(`${this.#name}: send() after the channel closed.`, { cause: this.#closeError });
    }
    const context = this.#encoding;
    let encoded: EncodedInPlace;
    let start: number;
    let end: number;
    const outer = swapEncodeContext(context);
    try {
      // In place: `encoded[start, end)`, no view made (see Codec.encodeInPlace); one is made only if the frame must be kept.
      encoded = this.#codec.encodeInPlace(message);
      start = encoded.start;
      end = encoded.end;
      // The peer (its limit the same) would close the connection on it: refused here, where the caller can act.
      if (end - start > this.#maxFrameBytes) {
        this.#codec.discardEncoded();
        throw new FrameTooLargeError(end - start, this.#maxFrameBytes, `${this.#name}: send()`, true);
      }
    } catch (error) {
      context.modules.length = 0;
      // Handles noted before the encode failed stay where they were.
      for (const transfer of context.transfers.splice(0)) transfer.undo?.();
      throw error;
    } finally {
      swapEncodeContext(outer);
    }
    // Control frames go first. Encoded after the message, they hold no record structure the message could refer to.
    if (this.#codec.takeReset()) this.#queueFrame(this.#codec.encode(new ResetCodec()));
    if (context.modules.length > 0) this.#announce(context.modules);
    this.#queueFrame(encoded, start, end);
    this.counters.messagesOut++;
    if (context.transfers.length > 0) this.#transfer!(context.transfers.splice(0));
    this.#scheduleFlush();
    return !this.needsDrain;
  }

  /**
   * Queues a message and writes it, with everything queued before it, now: in this call, not at the
   * end of the tick. With a journal (`keepJournal`), what the OS takes in this call is not journaled
   * (the journal only ever holds what the OS has not taken): one file write fewer per message for a
   * sender that writes each message as it goes. What the socket cannot take at once is journaled
   * right after the write. (So there is one gap: a process killed between a socket write that the
   * kernel took only in part, its buffer full, and the journal record that follows it loses that
   * message.)
   *
   * @returns false when the caller should wait for `drained()` before sending more.
   * @throws as `send()`.
   */
  sendNow(message: Out): boolean {
    this.#deferRecords = this.#journal !== undefined && this.#reusesBatches && this.#waiting === undefined && this.#socket.writableLength === 0;
    try {
      this.send(message);
    } finally {
      this.#deferRecords = false;
      this.#flush();
    }
    return !this.needsDrain;
  }

  /**
   * Sends `bytes` without copying them into the stream: a message the peer decodes as a Buffer,
   * as `send(bytes)` would. Up to 2 MiB they are copied into a ring in shared memory beside the
   * socket, where there is one (see bulk-ring.ts), and the stream carries only where they are;
   * while the ring is full (the reader is behind), they and whatever is sent after them wait for
   * room, in order. Otherwise they are written to the socket from the caller's memory. Resolves
   * once the bytes are written (to the ring or the socket), so the caller may then reuse the
   * buffer (and a writer that awaits each call keeps memory flat).
   *
   * @throws {ChannelClosedError} `ERR_CHANNEL_CLOSED` when the channel is closed (also when it closes before the bytes are written).
   * @throws {FrameTooLargeError} `ERR_FRAME_TOO_LARGE` when they are more than one message may hold (`maxFrameBytes`); nothing is sent.
   */
  sendBuffer(bytes: Buffer): Promise<void> {
    if (this.#closed || this.#closing) {
      return Promise.reject(new ChannelClosedError(`${this.#name}: send() after the channel closed.`, { cause: this.#closeError }));
    }
    // As send(): refused here rather than closing the peer's connection (the frame holds a bin 32 header, then the bytes).
    if (BIN32_HEADER_BYTES + bytes.length > this.#maxFrameBytes) {
      return Promise.reject(new FrameTooLargeError(BIN32_HEADER_BYTES + bytes.length, this.#maxFrameBytes, `${this.#name}: sendBytes()`, true));
    }
    if (this.#waiting) return new Promise((resolve, reject) => this.#waiting!.push({ bytes, resolve, reject }));
    const at = this.#writeToRing(bytes);
    if (at >= 0) return new Promise((resolve, reject) => this.#writtenWaiters.push({ resolve, reject }));
    if (at === RING_FULL) {
      this.#askForRoom();
      return new Promise((resolve, reject) => (this.#waiting = [{ bytes, resolve, reject }]));
    }
    return this.#writeToSocket(bytes);
  }

  /** Writes `bytes` to the socket as one bytes frame, from the caller's memory; resolves once written. */
  #writeToSocket(bytes: Buffer): Promise<void> {
    this.#flush();
    // Frame length, then msgpack's bin 32 header (0xc6, length): a frame of its own, which refers to no record structure.
    const header = Buffer.allocUnsafe(FRAME_HEADER_BYTES + BIN32_HEADER_BYTES);
    header.writeUInt32BE(BIN32_HEADER_BYTES + bytes.length, 0);
    header[FRAME_HEADER_BYTES] = 0xc6;
    header.writeUInt32BE(bytes.length, FRAME_HEADER_BYTES + 1);
    this.counters.bytesOut += header.length + bytes.length;
    this.counters.messagesOut++;
    this.#record(bytes, header.subarray(FRAME_HEADER_BYTES));
    return new Promise<void>((resolve, reject) => {
      this.#socket.cork();
      this.#socket.write(header);
      this.#socket.write(bytes, (error) => {
        this.#onWriteError(error);
        this.#onWritten();
        // A stream destroyed mid-write calls back without an error: the bytes may not all have left.
        if (error || this.#socket.destroyed) reject(new ChannelClosedError(`${this.#name}: closed before the bytes were written.`, { cause: error ?? this.#closeError }));
        else resolve();
      });
      this.#socket.uncork();
      this.#busyPoll.wrote();
    });
  }

  /** Resolves when the peer has caught up (at once if it has), or rejects if the channel closes first. */
  drained(): Promise<void> {
    if (this.#closed) return Promise.reject(new ChannelClosedError(`${this.#name}: closed while waiting for drain.`, { cause: this.#closeError }));
    if (!this.needsDrain) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#drainWaiters.push(() => (this.#closed ? reject(new ChannelClosedError(`${this.#name}: closed while waiting for drain.`, { cause: this.#closeError })) : resolve()));
    });
  }

  /** Stops reading from the peer (its writes then back up: flow control for a slow consumer). */
  pause(): void {
    this.#stopReading('paused');
  }

  /** Reads from the peer again after `pause()`. */
  resume(): void {
    this.#resumeReading('paused');
  }

  #stopReading(why: 'paused' | 'held'): void {
    this.#readStops.add(why);
    this.#socket.pause();
    if (why === 'held') this.#startAliveCheck();
  }

  /** See `isPeerAlive`. */
  #startAliveCheck(): void {
    if (!this.#isPeerAlive || this.#aliveCheck) return;
    this.#aliveCheck = setInterval(() => {
      if (this.#held && performance.now() - this.#heldSince >= HELD_AFTER_DEATH_MS && !this.#isPeerAlive!()) this.destroy();
    }, ALIVE_CHECK_MS).unref();
  }

  #resumeReading(why: 'paused' | 'held'): void {
    this.#readStops.delete(why);
    if (why === 'held') this.#stopAliveCheck();
    if (this.#readStops.size === 0 && !this.#closed) this.#socket.resume();
  }

  #stopAliveCheck(): void {
    clearInterval(this.#aliveCheck);
    this.#aliveCheck = undefined;
  }

  /** Lets the event loop exit while this channel is open (see `ref()`). */
  unref(): void {
    this.#socket.unref?.();
  }

  /** Keeps the event loop alive while this channel is open (the default for sockets). */
  ref(): void {
    this.#socket.ref?.();
  }

  /** Flushes what is queued, ends the stream, and resolves once the channel is closed (both sides). */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closing = true;
    const done = new Promise<void>((resolve) => this.#closeWaiters.push(resolve));
    this.#whenReleased(() => {
      this.#flush();
      this.#endWritten = true;
      this.#socket.end();
    });
    return done;
  }

  /**
   * Flushes what is queued and ends this side of the stream, without waiting for the peer
   * to read it or to close its side (a Pipe end's close). Nothing more can be sent; what the
   * peer sends is still received until it ends too.
   */
  end(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closing = true;
    const socket = this.#socket;
    return new Promise<void>((resolve) => {
      // The caller awaits this: keep the loop alive until our side is written and ended.
      socket.ref?.();
      this.#whenReleased(() => {
        this.#flush();
        this.#endWritten = true;
        socket.end(() => {
          socket.unref?.();
          // Everything sent is with the OS: the journal is not needed any more.
          this.#journal?.close(true);
          this.#journal = undefined;
          resolve();
        });
      });
    });
  }

  /** Runs `then` now, or once nothing waits for room in the ring (or the channel closed: see `#finish`). */
  #whenReleased(then: () => void): void {
    if (this.#waiting) this.#afterRelease.push(then);
    else then();
  }



  /** Closes at once, dropping what is queued; `error` goes to `onClose`. */
  destroy(error?: Error): void {
    if (this.#closed) return;
    this.#socket.destroy();
    this.#finish(error);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #reserve(bytes: number): void {
    const batch = this.#batch;
    if (batch && batch.length - this.#batchBytes >= bytes) return;
    if (!batch && this.#spare && this.#spare.length >= bytes) {
      this.#batch = this.#spare;
      this.#spare = undefined;
      return;
    }
    const size = Math.max(INITIAL_BATCH_BYTES, (this.#batchBytes + bytes) * 2);
    const grown = Buffer.allocUnsafe(size);
    if (batch) batch.copy(grown, 0, 0, this.#batchBytes);
    this.#batch = grown;
  }

  /** `#flush` as a callback, made once. */
  readonly #flushLater = (): void => this.#flush();

  #flush(): void {
    this.#flushScheduled = false;
    const deferredFrom = this.#deferredFrom;
    this.#deferredFrom = -1;
    if (this.#batchBytes === 0 || this.#closed) return;
    const written = this.#writtenWaiters.length > 0 ? this.#writtenWaiters.splice(0) : undefined;
    const batch = this.#batch!;
    const bytes = batch.subarray(0, this.#batchBytes);
    // The socket keeps `bytes` until written; the next send starts a new batch.
    this.#batch = undefined;
    this.#batchBytes = 0;
    this.counters.bytesOut += bytes.length;
    // The socket's own 'drain' only follows a write() that returned false, which a batch smaller
    // than the socket's highWaterMark never does: check after every write completes instead.
    this.#socket.write(bytes, (error) => {
      this.#onWriteError(error);
      this.#onWritten();
      for (const waiter of written ?? []) {
        if (error || this.#socket.destroyed) waiter.reject(new ChannelClosedError(`${this.#name}: closed before the bytes were written.`, { cause: error ?? this.#closeError }));
        else waiter.resolve();
      }
    });
    this.#busyPoll.wrote();
    // Nothing left in the stream: the kernel took the bytes during write() (the usual case for a small batch
    // to a reader keeping up), and Node holds no reference to them, so the buffer can take the next batch.
    // (Only a socket: another stream, a PassThrough say, may keep the very chunk it was given.)
    if (this.#socket.writableLength === 0) {
      if (this.#reusesBatches && batch.length <= MAX_SPARE_BYTES) this.#spare = batch;
    } else if (deferredFrom >= 0) {
      // sendNow(): the kernel did not take all of it; its frames wait in the stream, so they go in the journal.
      this.#recordBatch(bytes, deferredFrom, this.#deferredSeq);
    }
    this.#rewindIfWritten();
  }

  /** Records the frames of `bytes` (a batch) from offset `from` on, numbered from `seq`. */
  #recordBatch(bytes: Buffer, from: number, seq: number): void {
    for (let at = from; at < bytes.length; ) {
      const length = bytes.readUInt32BE(at);
      this.#recordAs(seq++, bytes.subarray(at + FRAME_HEADER_BYTES, at + FRAME_HEADER_BYTES + length));
      at += FRAME_HEADER_BYTES + length;
    }
  }

  /** Numbers a frame sent (`prefix`, then `payload[start, end)`) and records it in the journal, if there is one. */
  #record(payload: Uint8Array, prefix?: Uint8Array, start = 0, end = payload.length): void {
    this.#recordAs(this.#framesOut++, payload, prefix, start, end);
  }

  /** Records frame `seq`. A journal that fails (disk full) stops: `journaling` turns false. */
  #recordAs(seq: number, payload: Uint8Array, prefix?: Uint8Array, start = 0, end = payload.length): void {
    if (!this.#journal) return;
    try {
      this.#journal.record(seq, payload, prefix, start, end);
    } catch {
      this.#journal.close(false);
      this.#journal = undefined;
    }
  }

  /** Once the socket has written every frame, the journal starts over. */
  #rewindIfWritten(): void {
    if (this.#journal && this.#batchBytes === 0 && this.#socket.writableLength === 0) this.#journal.rewind();
  }

  /**
   * The peer's stream ended (`peerGone`: and its socket is gone, or undefined: not known yet): what it cut short, or its
   * journal, is dealt with, then the channel closes. A frame cut short by a peer that is gone (a writer killed in the
   * middle of a message) is dropped, and the stream ends there; one cut short by a peer that is still there is
   * `ERR_FRAME_TRUNCATED` (see peer-gone.ts).
   */
  #onEnd(peerGone: boolean | undefined): void {
    try {
      if (this.#recoverFrom !== undefined) this.#recover();
      else if (this.#decoder.bufferedBytes > 0 && (peerGone ?? peerSocketGone(this.#socket)) === true) this.#decoder.discard();
      else this.#decoder.end();
      this.#finishAfterHeld(undefined);
    } catch (error) {
      this.#finish(error as Error);
    }
  }

  /**
   * The socket failed. A reset by the peer (ECONNRESET: it closed, or died, with bytes of ours unread; EPIPE) is the end
   * of its stream, everything it sent having been read first; any other error closes the channel with a coded error
   * (`ERR_CHANNEL_CLOSED`, the system's error as its cause), so no raw system error reaches a user.
   */
  #onSocketError(error: Error): void {
    if (this.#closed) return;
    if (isPeerGoneError(error)) return this.#onEnd(true);
    const coded = error instanceof MultiprocError ? error : new ChannelClosedError(`${this.#name}: the connection failed (${error.message}).`, { cause: error });
    this.#finishAfterHeld(this.#recoverAfter(coded));
  }

  /**
   * A write failed: the peer's process is gone (EPIPE). Node is about to destroy the socket, and
   * what the peer sent before it went, still unread in the kernel (this side had paused reading,
   * or not got to it), would be lost with it: it is read now, from the descriptor, while it is
   * still open (a write's callback runs before Node destroys the stream), and the stream ends as
   * the peer left it. Later sends fail: the channel is closed.
   */
  #onWriteError(error: Error | null | undefined): void {
    if (!error || this.#closed) return;
    // Only the peer's going makes a write fail so (a stream destroyed for another reason reports that reason itself).
    const code = (error as { code?: unknown }).code;
    if (code !== 'EPIPE' && code !== 'ECONNRESET') return;
    const fd = (this.#socket as { _handle?: { fd?: unknown } })._handle?.fd;
    if (typeof fd === 'number' && fd >= 0) {
      // What the stream itself read and holds (reading 'data' events, paused) comes before what the kernel holds:
      // read() hands it to the 'data' listener (onChunk).
      while (!this.#closed && this.#socket.readableLength > 0 && this.#socket.read() !== null);
      const chunk = Buffer.allocUnsafe(64 * 1024);
      while (!this.#closed) {
        let n: number;
        try {
          n = readSync(fd, chunk);
        } catch {
          break; // EAGAIN or ECONNRESET: there is nothing more to read.
        }
        if (n <= 0) break;
        this.counters.bytesIn += n;
        try {
          this.#decoder.push(Buffer.from(chunk.subarray(0, n))); // a copy: frames handed out may be views
        } catch (pushError) {
          this.destroy(pushError as Error); // bad bytes, or onMessage threw: as on any other read
          return;
        }
      }
    }
    this.#onEnd(true);
  }

  /** The peer's stream ended: a frame it cut short is dropped, and its journal supplies the frames not received. */
  #recover(): void {
    const path = this.#recoverFrom!;
    this.#recoverFrom = undefined;
    this.#decoder.discard();
    for (const payload of readJournal(path, this.#framesIn)) {
      if (this.#closed) break;
      this.#framesIn++;
      this.#receive(payload);
    }
    rmSync(path, { force: true });
  }

  /** Closes, but only once the frames held for a module import (recovered ones too) are delivered. */
  #finishAfterHeld(error: Error | undefined): void {
    if (this.#closed) return;
    if (this.#held) {
      this.#endAfterHeld ??= { error };
      this.#startAliveCheck();
    } else {
      this.#finish(error);
    }
  }

  /** `#recover()` before a close that did not come through 'end'; a failure there becomes the close error. */
  #recoverAfter(error: Error | undefined): Error | undefined {
    if (this.#recoverFrom === undefined || this.#closed) return error;
    try {
      this.#recover();
    } catch (recoverError) {
      return recoverError as Error;
    }
    return error;
  }

  /**
   * Writes what is queued now, synchronously, straight to the socket's descriptor: for the
   * process's 'exit' event, where no microtask or I/O runs any more (a `release()` posted just
   * before `process.exit()` still reaches the owner). Best effort: nothing is written when the
   * stream still has bytes of its own to write (the order must hold) or the kernel buffer is full.
   */
  flushSync(): void {
    if (this.#batchBytes === 0 || this.#closed) return;
    const socket = this.#socket;
    const fd = (socket as { _handle?: { fd?: unknown } })._handle?.fd;
    if (typeof fd !== 'number' || fd < 0 || socket.writableLength > 0 || socket.destroyed) return;
    const bytes = this.#batch!.subarray(0, this.#batchBytes);
    this.#batch = undefined;
    this.#batchBytes = 0;
    this.#deferredFrom = -1;
    try {
      for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written);
    } catch {
      // EAGAIN (the peer is not reading) or the socket is gone: the process is exiting anyway.
    }
  }

  /** Sends a RequireModules frame for the modules in `needed` this channel has not announced yet. */
  #announce(needed: string[]): void {
    const fresh = needed.filter((module) => !this.#announced.has(module));
    needed.length = 0;
    if (fresh.length === 0) return;
    for (const module of fresh) this.#announced.add(module);
    // Encoded after the message but written before it; it holds only strings, so no record
    // structure of the message's can be referenced out of order.
    this.#queueFrame(this.#codec.encode(new RequireModules(fresh)));
  }

  /**
   * A large frame skips the batch buffer: what is batched goes first, then the header and the
   * encoder's own bytes (valid until written: msgpackr never rewinds into bytes it handed out).
   */
  #writeDirect(payload: Uint8Array): void {
    this.#flush();
    const header = Buffer.allocUnsafe(FRAME_HEADER_BYTES);
    header.writeUInt32BE(payload.length, 0);
    this.counters.bytesOut += FRAME_HEADER_BYTES + payload.length;
    this.#record(payload);
    this.#socket.cork();
    this.#socket.write(header);
    this.#socket.write(payload, (error) => this.#onWriteError(error));
    this.#socket.uncork();
    this.#busyPoll.wrote();
    this.#rewindIfWritten();
  }

  /**
   * Puts `bytes` in the bulk ring and queues the frame that says where; returns their address,
   * or RING_FULL (no room now), or RING_REFUSED (they go through the socket: no ring here, too
   * large, or a journal, whose records must hold the bytes themselves).
   */
  #writeToRing(bytes: Buffer): number {
    if (this.#journal || this.#ringOut === null) return RING_REFUSED;
    if (this.#ringOut === undefined) {
      this.#ringOut = BulkRingWriter.create() ?? null;
      if (!this.#ringOut) return RING_REFUSED;
      this.#append(this.#codec.encode(new BulkOpen(this.#ringOut.path, this.#ringOut.size)));
    }
    const at = this.#ringOut.write(bytes);
    if (at < 0) return at;
    this.#append(this.#codec.encode(new BulkBytes(at, bytes.length)));
    this.#scheduleFlush();
    this.counters.bytesOut += bytes.length;
    this.counters.ringBytesOut += bytes.length;
    this.counters.messagesOut++;
    return at;
  }

  /**
   * The reader gave room back: what waits for it goes out, in order, until a bytes message finds
   * the ring full again. (A frame that waited is appended now: it is numbered, for a journal, in
   * the order it is written.)
   */
  #release(): void {
    const waiting = this.#waiting;
    if (!waiting || this.#closed) return;
    while (waiting.length > 0) {
      const next = waiting[0]!;
      if (next instanceof Uint8Array) {
        waiting.shift();
        this.#appendOrWrite(next);
        continue;
      }
      const at = this.#writeToRing(next.bytes);
      if (at === RING_FULL) {
        this.#askForRoom();
        break;
      }
      waiting.shift();
      if (at >= 0) this.#writtenWaiters.push(next);
      else this.#writeToSocket(next.bytes).then(next.resolve, next.reject);
    }
    this.#scheduleFlush();
    if (waiting.length > 0) return;
    this.#waiting = undefined;
    for (const then of this.#afterRelease.splice(0)) then();
    if (!this.needsDrain) this.#wakeDrainWaiters();
  }

  /**
   * Appends the encoded frame `payload[start, end)`, or puts it in line behind a bytes message that waits for room in
   * the ring. (A view of the range is made only for a frame that is kept: one that waits, or is written as it is.)
   */
  #queueFrame(payload: Uint8Array, start = 0, end = payload.length): void {
    if (this.#waiting) this.#waiting.push(start === 0 && end === payload.length ? payload : payload.subarray(start, end));
    else this.#appendOrWrite(payload, start, end);
  }

  /** A large frame is written as it is, the others join the batch. */
  #appendOrWrite(payload: Uint8Array, start = 0, end = payload.length): void {
    if (end - start >= DIRECT_WRITE_BYTES) this.#writeDirect(start === 0 && end === payload.length ? payload : payload.subarray(start, end));
    else this.#append(payload, start, end);
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    // A resolved promise's then(), not queueMicrotask(): Node wraps each of those in an AsyncResource.
    RESOLVED.then(this.#flushLater);
  }

  /**
   * A bytes message the peer put in its ring: delivered as a {@link BulkMessage} to read later
   * (`deferBulk`), or read now, into the armed target if it fits (see `readBytesInto`) or into a
   * buffer of its own.
   */
  #receiveFromRing(frame: BulkBytes): void {
    const message = this.#ringIn.receive(frame);
    this.counters.bytesIn += frame.length;
    this.counters.ringBytesIn += frame.length;
    this.counters.messagesIn++;
    if (this.#deferBulk) return this.#onMessage(message as In);
    const target = this.#bytesTarget;
    const fits = target !== undefined && frame.length <= target.length;
    if (fits) this.#bytesTarget = undefined;
    this.#onMessage(message.readInto(fits ? target : Buffer.allocUnsafeSlow(frame.length)) as In);
  }

  /** The ring is full: asks the reader for room (out of line: ahead of what waits for it). */
  #askForRoom(): void {
    this.#append(this.#codec.encode(new BulkWait()));
    this.#scheduleFlush();
  }

  /**
   * Tells the peer, which waits, that its ring is free below `upTo`: at once, ahead of anything
   * this side has waiting for room of its own (else two writers could wait for each other), and
   * not at the end of a long run of reads (else the writer idles while the reader reads). Not
   * once this side's end is written (while it closes but waits for room itself, the peer still reads).
   */
  #giveRoomBack(upTo: number): boolean {
    if (this.#closed || this.#endWritten) return false;
    this.#append(this.#codec.encode(new BulkFree(upTo)));
    this.#flush();
    return true;
  }

  /** Where a large frame's payload after its first bytes (`head`) goes: into the target, if it is msgpack bytes that fit. */
  #placeBytes(length: number, head: Buffer): Buffer | undefined {
    const target = this.#bytesTarget;
    const size = length - PLACE_HEAD_BYTES;
    // msgpack's bin 32 (0xc6, then the length): the payload is one Buffer and nothing else.
    if (!target || head[0] !== 0xc6 || head.readUInt32BE(1) !== size || size > target.length) return undefined;
    this.#bytesTarget = undefined;
    return target.subarray(0, size);
  }

  /** Adds the frame `payload[start, end)` to the batch. */
  #append(payload: Uint8Array, start = 0, end = payload.length): void {
    if (!this.#deferRecords || !this.#journal) this.#record(payload, undefined, start, end);
    else {
      // (Recorded by #flush if the socket does not take it at once.)
      if (this.#deferredFrom < 0) {
        this.#deferredFrom = this.#batchBytes;
        this.#deferredSeq = this.#framesOut;
      }
      this.#framesOut++;
    }
    const frameBytes = FRAME_HEADER_BYTES + end - start;
    this.#reserve(frameBytes);
    const batch = this.#batch!;
    batch.writeUInt32BE(end - start, this.#batchBytes);
    copyBytes(payload, start, end, batch, this.#batchBytes + FRAME_HEADER_BYTES);
    this.#batchBytes += frameBytes;
  }

  /** A frame's payload arrived: `source[start, end)`. */
  #receive(source: Buffer, start = 0, end = source.length): void {
    if (this.#closed) return;
    if (this.#held) {
      this.#held.push(source.subarray(start, end));
      // Bounded: past the limit the peer's writes back up in the kernel until the import is done.
      this.#heldBytes += end - start + HELD_FRAME_COST;
      if (this.#heldBytes >= MAX_HELD_BYTES) this.#stopReading('held');
      return;
    }
    const outer = swapDecodeContext(this.#decodeContext);
    let message: unknown;
    try {
      message = this.#codec.decode(source, this.#name, start, end);
    } finally {
      swapDecodeContext(outer);
    }
    if (message instanceof ResetCodec) {
      this.#codec.resetDecoder();
      return;
    }
    if (message instanceof RequireModules) {
      const untrusted = this.#trustedImportsOnly ? message.modules.filter((module) => !isTrustedModule(module)) : [];
      if (untrusted.length > 0) {
        throw new ProtocolError(
          `${this.#name}: the peer (connected through this owner's socket) asked this process to import ${untrusted.join(', ')}, ` +
            'which nothing in this process vouches for (not imported here, not named by a parent, child or pipe, not allowed); refused. ' +
            'If the module is yours, import it in this process, or call allowModuleImports() with it.',
        );
      }
      this.#importThenResume(message.modules);
      return;
    }
    if (message instanceof BulkBytes) return this.#receiveFromRing(message);
    if (message instanceof BulkFree) {
      this.#ringOut?.free(message.upTo);
      return this.#release();
    }
    if (message instanceof BulkOpen) return this.#ringIn.open(message);
    if (message instanceof BulkWait) return this.#ringIn.wait();
    this.counters.messagesIn++;
    this.#onMessage(message as In);
  }

  /** Holds the frames that follow until the modules are imported, then decodes them in order. */
  #importThenResume(modules: string[]): void {
    const held: Buffer[] = [];
    this.#held = held;
    this.#heldSince = performance.now();
    Promise.all(modules.map(importRequiredModule)).then(
      () => {
        this.#held = undefined;
        for (let i = 0; i < held.length && !this.#closed; i++) {
          try {
            this.#receive(held[i]!);
          } catch (error) {
            this.destroy(error as Error);
            return;
          }
          // A further RequireModules frame among them holds the rest again.
          const again = this.#held as Buffer[] | undefined;
          if (again) {
            again.push(...held.slice(i + 1));
            return;
          }
        }
        this.#heldBytes = 0;
        this.#resumeReading('held');
        const ended = this.#endAfterHeld;
        this.#endAfterHeld = undefined;
        if (ended) this.#finish(ended.error);
      },
      (cause: unknown) =>
        this.destroy(new FrameDecodeError(`${this.#name} (the peer needs ${modules.join(', ')} to decode what it sent, and it could not be imported)`, { cause })),
    );
  }

  #finish(error: Error | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closeError = error;
    // Frames held for an import that is still pending are let go now (the import's callback keeps only the empty list).
    this.#stopAliveCheck();
    this.#held?.splice(0);
    this.#held = undefined;
    this.#heldBytes = 0;
    // This process is alive and the channel is done: the peer has what it will ever read (destroy() drops what is queued).
    this.#journal?.close(true);
    this.#journal = undefined;
    // The ring goes once the reader has it open, or after a failure. After a clean end the reader may still hold our
    // BulkOpen unread (frames held for a module import): the file stays for it (or for the sweep).
    this.#ringOut?.close(error !== undefined || this.#socket.destroyed);
    this.#ringIn.close();
    // What waited for room in the ring is dropped; a close() or end() waiting for it goes ahead (on a closed socket).
    const waiting = this.#waiting;
    this.#waiting = undefined;
    for (const next of waiting ?? []) {
      if (!(next instanceof Uint8Array)) next.reject(new ChannelClosedError(`${this.#name}: closed before the bytes were written.`, { cause: error }));
    }
    for (const then of this.#afterRelease.splice(0)) then();
    for (const waiter of this.#writtenWaiters.splice(0)) waiter.reject(new ChannelClosedError(`${this.#name}: closed before the bytes were written.`, { cause: error }));
    this.#batch = undefined;
    this.#batchBytes = 0;
    this.#deferredFrom = -1;
    if (error) this.#socket.destroy();
    this.#wakeDrainWaiters();
    for (const wake of this.#closeWaiters.splice(0)) wake();
    this.#onClose?.(error);
  }

  #onWritten(): void {
    this.#rewindIfWritten();
    if (!this.needsDrain) this.#wakeDrainWaiters();
  }

  #wakeDrainWaiters(): void {
    for (const wake of this.#drainWaiters.splice(0)) wake();
  }
}
