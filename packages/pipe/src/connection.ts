/**
 * `Connection<T>`: one end of a Pipe (Python's `multiprocessing.connection.Connection`).
 *
 * An end is an OS socket. Passed to a child (or back to the parent), the
 * socket itself moves there — so two children holding the two ends talk
 * directly, not through the process that made the pipe. An end starts reading
 * only when first used, and an end used in one process cannot then be passed
 * on (what it already read would be lost).
 *
 * Flow control both ways: `send()` waits while the reader is behind, and the
 * reader stops reading its socket while more than `inboxLimit` messages wait
 * in it, so neither side's memory grows without bound.
 *
 * @module
 */
import type { Socket } from 'node:net';
import {
  BulkMessage,
  Channel,
  ClosedError,
  Deadline,
  InvalidArgumentError,
  InvalidStateError,
  ProtocolError,
  WAITABLE,
  type BlockingOptions,
  type HasWaitable,
  type Waitable,
} from '@multiproc/wire';
import { BufferTooShortError, EOFError } from './errors.js';

// As the CommonJS object: an ESM import of a builtin reads all its exports, and node:fs's lazy ones (fs/promises,
// readline through it) cost every process that loads this ~5 ms at boot.
const { closeSync, openSync, rmSync } = process.getBuiltinModule('node:fs');

/** Options of {@link Connection.recv}. */
export interface RecvOptions extends BlockingOptions {
  /** false: this wait does not keep the process alive (a library listening in the background). @default true */
  keepAlive?: boolean;
}

/** Received messages waiting above this many pause reading. */
const INBOX_LIMIT = 256;
/** What `send()` returns when the message went at once. */
const RESOLVED: Promise<void> = Promise.resolve();
/** `sendBytes` of at least this many bytes writes them from the caller's buffer, without copying. */
const ZERO_COPY_BYTES = 64 * 1024;

interface Receiver<T> {
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
  done: boolean;
  /** A `recvBytesInto()` whose buffer the channel may read the next bytes message into. */
  placing?: boolean;
}

/** @internal How an end is made: around a socket that is here or on its way. */
export interface ConnectionInit {
  socket: Promise<Socket>;
  readable: boolean;
  writable: boolean;
}

/**
 * One end of a pipe. Send any value the codec passes; receive in order.
 *
 * @example
 * ```ts
 * const [parentEnd, childEnd] = Pipe<string>();
 * new Process({ target: greet, args: [childEnd] }).start();   // greet: await end.send('hi'); await end.close();
 * for await (const message of parentEnd) console.log(message);
 * ```
 */
export class Connection<T = unknown> implements HasWaitable {
  /** True if this end can receive. */
  readonly readable: boolean;
  /** True if this end can send. */
  readonly writable: boolean;
  readonly #socket: Promise<Socket>;
  #channel: Channel<T, T> | undefined;
  #opening: Promise<Channel<T, T>> | undefined;
  readonly #inbox: T[] = [];
  #inboxHead = 0;
  readonly #receivers: Receiver<T>[] = [];
  readonly #readyWaiters = new Set<() => void>();
  #eof = false;
  #failure: Error | undefined;
  #closed = false;
  /** Set when the socket was passed to another process. */
  #transferred = false;
  /** Calls waiting on the other end (they keep the process alive). */
  #holds = 0;
  /** `keepJournal` / `recoverFrom` paths, applied when the channel opens. */
  #journalPath: string | undefined;
  #recoverPath: string | undefined;

  /** @internal Use `Pipe()`. */
  constructor(init: ConnectionInit) {
    this.#socket = init.socket;
    this.readable = init.readable;
    this.writable = init.writable;
    // Until this end is used or passed on, a failure to make the socket is reported on use.
    this.#socket.catch(() => {});
  }

  /** True once `close()` was called, or the end was passed to another process. */
  get closed(): boolean {
    return this.#closed || this.#transferred;
  }

  /**
   * Sends a value. Resolves once it is queued within the pipe's limit: while the reader is
   * behind, it waits, so `await`ing each send keeps memory bounded.
   *
   * @throws {ClosedError} `ERR_CLOSED` when this end is closed or was passed on.
   * @throws {EncodeError} `ERR_ENCODE` when the value cannot be sent.
   * @throws {FrameTooLargeError} `ERR_FRAME_TOO_LARGE` when it encodes to more than one message may hold (256 MiB); nothing was sent.
   */
  send(value: T): Promise<void> {
    // The common case, an open end, without an async function's frames (a round trip's every message takes it).
    const channel = this.#channel;
    if (channel === undefined || this.closed || !this.writable) return this.#sendOpening(value);
    try {
      if (channel.send(value)) return RESOLVED;
    } catch (error) {
      return Promise.reject(error);
    }
    return this.drained();
  }

  /** `send()` on an end not open yet (or closed: it throws). */
  async #sendOpening(value: T): Promise<void> {
    this.#check('send', this.writable);
    const channel = this.#channel ?? (await this.#open());
    if (channel.send(value)) return;
    await this.drained();
  }

  /**
   * Sends a value now, without waiting: the synchronous form of `send()`, for a loop that must not
   * yield between messages (what it sends in one run is written in one batch).
   *
   * @returns false when the reader is behind (the value is queued all the same): `await drained()` before sending more.
   * @throws {ClosedError} `ERR_CLOSED` when this end is closed or was passed on.
   * @throws {InvalidStateError} `ERR_INVALID_STATE` when this end has not been used yet (its socket may still be arriving): `await send()` first.
   * @throws {EncodeError} `ERR_ENCODE` when the value cannot be sent; nothing was queued.
   * @throws {FrameTooLargeError} `ERR_FRAME_TOO_LARGE` when it encodes to more than one message may hold (256 MiB); nothing was queued.
   */
  trySend(value: T): boolean {
    this.#check('trySend', this.writable);
    if (!this.#channel) throw new InvalidStateError('Connection.trySend(): this end is not open yet; the first message must go through `await send()`.');
    return this.#channel.send(value);
  }

  /**
   * Like `trySend()`, but written at once, in this call, with whatever this end had queued: not at
   * the end of the tick. With a journal (`keepJournal`), a message the OS takes in this call is not
   * journaled — the journal only ever holds what the OS has not taken — so a sender that writes each
   * message as it goes saves a file write per message. (What the socket cannot take at once, its
   * buffer full, is journaled right after the write: a process killed between the two loses it.)
   *
   * @returns false when the reader is behind (the value is sent all the same): `await drained()` before sending more.
   * @throws as `trySend()`.
   */
  sendNow(value: T): boolean {
    this.#check('sendNow', this.writable);
    if (!this.#channel) throw new InvalidStateError('Connection.sendNow(): this end is not open yet; the first message must go through `await send()`.');
    return this.#channel.sendNow(value);
  }

  /** Resolves once what this end has queued is back under the pipe's limit (at once if it is; see `trySend`). */
  async drained(): Promise<void> {
    if (!this.#channel) return;
    this.#hold();
    try {
      await this.#channel.drained();
    } finally {
      this.#release();
    }
  }

  /**
   * Keeps a journal of what this end sends, in a file at `path` (created, mode 0600): every
   * message is in the file before `send()`/`trySend()` returns and until the OS has taken it. If
   * this process then dies — SIGKILL, out of memory — the other end, told the same path with
   * `recoverFrom()`, still receives every message sent from then on, in order. The file is removed
   * when this end's pipe closes while this process lives, or by the other end once it has
   * recovered from it. Call it in the process that uses the end: an end with a journal cannot be
   * passed on.
   *
   * @throws {ClosedError} `ERR_CLOSED` when this end is closed or was passed on.
   * @throws the file system's error when the file cannot be created.
   */
  keepJournal(path: string): void {
    this.#check('keepJournal', this.writable);
    if (this.#channel) return this.#channel.keepJournal(path);
    // Fails here, not at the first send; made for real when the end opens (nothing is left if it never does).
    closeSync(openSync(path, 'w', 0o600));
    rmSync(path, { force: true });
    this.#journalPath = path;
  }

  /** True while what this end sends is journaled (`keepJournal`; false again if the file could not be written). */
  get journaling(): boolean {
    return this.#channel ? this.#channel.journaling : this.#journalPath !== undefined;
  }

  /**
   * When the other end's stream ends, also receive what it sent but its process died holding:
   * the messages in its journal at `path` (see `keepJournal`). They arrive in order before EOF.
   *
   * @throws {ClosedError} `ERR_CLOSED` when this end is closed or was passed on.
   */
  recoverFrom(path: string): void {
    this.#check('recoverFrom', this.readable);
    if (this.#channel) this.#channel.recoverFrom(path);
    else this.#recoverPath = path;
  }

  /**
   * Sends bytes (a view of `buffer` from `offset`, `size` bytes long).
   *
   * @throws {InvalidArgumentError} `ERR_INVALID_ARGUMENT` when offset/size fall outside the buffer.
   * @throws {FrameTooLargeError} `ERR_FRAME_TOO_LARGE` when they are more than one message may hold (256 MiB); nothing was sent.
   */
  sendBytes(buffer: Uint8Array, offset = 0, size = buffer.byteLength - offset): Promise<void> {
    if (offset < 0 || size < 0 || offset + size > buffer.byteLength) {
      throw new InvalidArgumentError(`Connection.sendBytes(): offset ${offset} and size ${size} fall outside a buffer of ${buffer.byteLength} bytes.`);
    }
    const view = Buffer.from(buffer.buffer, buffer.byteOffset + offset, size);
    // Large: written from the caller's memory, no copy; resolves once written, so the buffer may then be reused.
    if (size >= ZERO_COPY_BYTES) return this.#sendBuffer(view);
    return this.send(view as unknown as T);
  }

  async #sendBuffer(view: Buffer): Promise<void> {
    this.#check('send', this.writable);
    const channel = this.#channel ?? (await this.#open());
    this.#hold();
    try {
      await channel.sendBuffer(view);
    } finally {
      this.#release();
    }
  }

  /**
   * Receives the next value, waiting for one.
   *
   * @throws {EOFError} `ERR_EOF` when the other end closed and everything it sent was read.
   * @throws {TimeoutError} `ERR_TIMEOUT` / {@link @multiproc/wire!AbortError} `ERR_ABORTED`: nothing was taken.
   */
  recv(options?: RecvOptions): Promise<T> {
    // The common case (an open end, nothing to take yet, no options) without async functions' frames: one promise.
    if (options === undefined && this.#channel !== undefined && this.#inboxLength === 0 && !this.#eof && !this.closed && this.readable) {
      return this.#nextMessage(undefined, false, true);
    }
    return this.#receive('recv', options, undefined);
  }

  /**
   * Receives the next value, waiting for one; with `target`, the channel may read a large bytes
   * message straight into it (see `recvBytesInto`), and stops as soon as this call is done.
   */
  async #receive(call: string, options: RecvOptions | undefined, target: Buffer | undefined): Promise<T> {
    this.#check('recv', this.readable);
    const channel = this.#channel ?? (await this.#open());
    if (this.#inboxLength > 0) return this.#materialize(this.#take(), target);
    if (this.#eof) throw this.#failure ?? new EOFError(`Connection.${call}()`);
    // Waiting to receive keeps the process alive (unless told not to); an idle end does not.
    const keepAlive = options?.keepAlive !== false;
    // Only the first receiver in line may have the next message read into its buffer.
    const placing = target !== undefined && this.#receivers.every((waiting) => waiting.done);
    if (options?.timeout === undefined && options?.signal === undefined) return this.#nextMessage(target, placing, keepAlive);
    if (keepAlive) this.#hold();
    try {
      using deadline = new Deadline(`Connection.${call}()`, options);
      const value = await new Promise<T>((resolve, reject) => {
        const receiver: Receiver<T> = { resolve, reject, done: false, placing };
        this.#receivers.push(receiver);
        if (placing) channel.readBytesInto(target);
        deadline.expired.catch((error: unknown) => {
          if (receiver.done) return;
          this.#done(receiver);
          const at = this.#receivers.indexOf(receiver);
          if (at >= 0) this.#receivers.splice(at, 1);
          reject(error);
        });
      });
      return this.#materialize(value, target);
    } finally {
      if (keepAlive) this.#release();
    }
  }

  /**
   * Waits in line for the next message, taken as `#materialize` gives it (`placing`: it may be read
   * into `target`); `keepAlive`: the process stays alive meanwhile.
   */
  #nextMessage(target: Buffer | undefined, placing: boolean, keepAlive: boolean): Promise<T> {
    if (keepAlive) this.#hold();
    return new Promise<T>((resolve, reject) => {
      this.#receivers.push({
        resolve: (value) => {
          if (keepAlive) this.#release();
          try {
            resolve(this.#materialize(value, target));
          } catch (error) {
            reject(error);
          }
        },
        reject: (error) => {
          if (keepAlive) this.#release();
          reject(error);
        },
        done: false,
        placing,
      });
      if (placing) this.#channel!.readBytesInto(target);
    });
  }

  /**
   * A message taken: one that lies in the other end's bulk ring is read now, into `target` when
   * it fits (then the message is a view of `target`), else into a buffer of its own.
   */
  #materialize(value: T, target: Buffer | undefined): T {
    if (!(value instanceof BulkMessage)) return value;
    return (target && value.length <= target.length ? value.readInto(target) : value.read()) as T;
  }

  /**
   * Receives every value waiting, up to `max`, waiting for the first one: one call (and one
   * promise) for a burst of messages instead of one each. Values come in order, as `recv()`
   * would return them one by one. A bytes message that lies in shared memory (see `sendBytes`) ends the values
   * returned unless it is the first: reading it may fail, and that error must lose no other value (the call that
   * takes it first throws, and the message is lost).
   *
   * @param max - at most this many values (a whole number ≥ 1). @default 1024
   * @throws {EOFError} `ERR_EOF` when the other end closed and everything it sent was read.
   * @throws {TimeoutError} `ERR_TIMEOUT` / {@link @multiproc/wire!AbortError} `ERR_ABORTED`: nothing was taken.
   * @throws {InvalidArgumentError} `ERR_INVALID_ARGUMENT` when `max` is not a whole number ≥ 1.
   */
  async recvMany(max = 1024, options?: RecvOptions): Promise<T[]> {
    if (!Number.isInteger(max) || max < 1) throw new InvalidArgumentError(`Connection.recvMany(): max must be a whole number ≥ 1, got ${String(max)}.`);
    // The first value ends the wait; the rest of its socket read was delivered with it, before this resumes.
    const values: T[] = [(await this.recv(options)) as T];
    // A bytes message in the ring is read as it is taken, which may fail (out of memory): it is left for the next
    // call, so that its error loses none of the values taken before it.
    while (values.length < max && this.#inboxLength > 0 && !(this.#inbox[this.#inboxHead] instanceof BulkMessage)) values.push(this.#take());
    return values;
  }

  /**
   * Receives the next message, which must be bytes.
   *
   * @throws {ProtocolError} `ERR_PROTOCOL` when the message is not bytes, or longer than `maxLength`.
   */
  async recvBytes(options: BlockingOptions & { maxLength?: number } = {}): Promise<Buffer> {
    const message = this.#asBytes(await this.recv(options), 'recvBytes');
    if (options.maxLength !== undefined && message.byteLength > options.maxLength) {
      throw new ProtocolError(`Connection.recvBytes(): the message has ${message.byteLength} bytes, over maxLength ${options.maxLength}.`);
    }
    return message;
  }

  /**
   * Receives the next message, which must be bytes, into `buffer` from `offset` on (Python's
   * `recv_bytes_into`); resolves with its length. Nothing is allocated for it: a large message
   * (64 KiB or more) that arrives while this call waits is read from the socket straight into
   * `buffer`. Do not touch `buffer` until the call settles; once it has, nothing more is written there.
   *
   * @param offset - where in `buffer` the message starts. @default 0
   * @throws {BufferTooShortError} `ERR_BUFFER_TOO_SHORT` when the message does not fit; it was taken, and is the error's `bytes`.
   * @throws {ProtocolError} `ERR_PROTOCOL` when the message is not bytes.
   * @throws {InvalidArgumentError} `ERR_INVALID_ARGUMENT` when `offset` is not a whole number within `buffer`.
   * @throws {EOFError} `ERR_EOF`, {@link @multiproc/wire!TimeoutError} `ERR_TIMEOUT`, {@link @multiproc/wire!AbortError} `ERR_ABORTED`: as `recv()`; nothing was taken.
   * @example
   * ```ts
   * const buffer = Buffer.allocUnsafe(1 << 20);
   * const n = await conn.recvBytesInto(buffer);   // buffer.subarray(0, n) is the message
   * ```
   */
  async recvBytesInto(buffer: Uint8Array, offset = 0, options?: RecvOptions): Promise<number> {
    if (!Number.isInteger(offset) || offset < 0 || offset > buffer.byteLength) {
      throw new InvalidArgumentError(`Connection.recvBytesInto(): offset must be a whole number from 0 to the buffer's ${buffer.byteLength} bytes, got ${String(offset)}.`);
    }
    const target = Buffer.from(buffer.buffer, buffer.byteOffset + offset, buffer.byteLength - offset);
    const message = this.#asBytes(await this.#receive('recvBytesInto', options, target), 'recvBytesInto');
    // Read into place already: the message is a view of `target`.
    if (message.buffer === target.buffer && message.byteOffset === target.byteOffset) return message.byteLength;
    if (message.byteLength > target.byteLength) throw new BufferTooShortError(message, target.byteLength);
    target.set(message);
    return message.byteLength;
  }

  /** The message as a Buffer, if it is bytes. */
  #asBytes(message: unknown, call: string): Buffer {
    if (!(message instanceof Uint8Array)) throw new ProtocolError(`Connection.${call}(): the next message is not bytes; use recv().`);
    return Buffer.isBuffer(message) ? message : Buffer.from(message.buffer, message.byteOffset, message.byteLength);
  }

  /**
   * Whether a value (or end of file) is ready to be received, waiting up to `timeout` ms for one.
   * @param timeout - **milliseconds** to wait (Python's `poll(0.5)` is `poll(500)`); 0 answers at once. @default 0
   */
  async poll(timeout = 0): Promise<boolean> {
    this.#check('poll', this.readable);
    if (!this.#channel) await this.#open();
    if (this.#isReady()) return true;
    if (timeout <= 0) return false;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeout);
    try {
      await this.#whenReady(controller.signal);
    } finally {
      clearTimeout(timer);
    }
    return this.#isReady();
  }

  /** Closes this end; the other end reads what was sent, then gets `ERR_EOF`. */
  async close(): Promise<void> {
    if (this.#closed || this.#transferred) return;
    this.#closed = true;
    // Unread messages cannot be taken any more: those in the other end's ring let go of it.
    for (let i = this.#inboxHead; i < this.#inbox.length; i++) {
      const value: unknown = this.#inbox[i];
      if (value instanceof BulkMessage) value.discard();
    }
    this.#inbox.length = 0;
    this.#inboxHead = 0;
    const channel = this.#channel ?? (this.#opening ? await this.#opening.catch(() => undefined) : undefined);
    if (channel) await channel.end();
    else (await this.#socket.catch(() => undefined))?.destroy();
    this.#finish(new ClosedError('Connection.recv(): this end was closed while waiting.'));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /**
   * Receives until the other end closes (then the loop ends quietly; another error is thrown).
   * A plain iterator, not an async generator: one promise per message instead of a generator's several.
   */
  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    let ended = false;
    const done = (): IteratorResult<T> => ({ value: undefined, done: true });
    const iterator: AsyncIterableIterator<T> = {
      next: () =>
        ended
          ? Promise.resolve(done())
          : this.recv().then(
              (value): IteratorResult<T> => ({ value, done: false }),
              (error: unknown) => {
                ended = true;
                if (error instanceof EOFError) return done();
                throw error;
              },
            ),
      return: () => {
        ended = true;
        return Promise.resolve(done());
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  /** For `wait()`. */
  get [WAITABLE](): Waitable {
    return {
      ready: () => this.#isReady(),
      whenReady: async (signal) => {
        if (!this.#channel && this.readable && !this.closed) await this.#open();
        return this.#whenReady(signal);
      },
    };
  }

  /**
   * @internal Gives up this end's socket to `send` (which passes it to another process and
   * returns its transfer id). If `send` throws, this end stays usable here.
   * @throws {InvalidStateError} `ERR_INVALID_STATE` when this end was already used here, closed, or passed on.
   */
  _transfer(send: (socket: Promise<Socket>, undo: () => void) => number): number {
    if (this.#journalPath !== undefined || this.#recoverPath !== undefined) {
      throw new InvalidStateError('A Pipe end with a journal (keepJournal/recoverFrom) cannot be passed to another process: set the journal up where the end is used.');
    }
    if (this.#channel || this.#opening || this.#closed || this.#transferred) {
      throw new InvalidStateError(
        'A Pipe end can be passed to another process only before it is used (or closed) in this one; ' +
          'what it had read would otherwise be lost. Make a new Pipe for the new process.',
      );
    }
    // Marked passed on now (a second mention in the same message must fail), undone if the message fails to encode.
    this.#transferred = true;
    try {
      return send(this.#socket, () => (this.#transferred = false));
    } catch (error) {
      this.#transferred = false;
      throw error;
    }
  }

  get #inboxLength(): number {
    return this.#inbox.length - this.#inboxHead;
  }

  #take(): T {
    const value = this.#inbox[this.#inboxHead]!;
    this.#inbox[this.#inboxHead++] = undefined as T;
    if (this.#inboxHead > 1024 && this.#inboxHead * 2 > this.#inbox.length) {
      this.#inbox.splice(0, this.#inboxHead);
      this.#inboxHead = 0;
    }
    if (this.#inboxLength === INBOX_LIMIT - 1) this.#channel?.resume();
    return value;
  }

  #isReady(): boolean {
    return this.#inboxLength > 0 || this.#eof || this.closed;
  }

  #whenReady(signal: AbortSignal): Promise<void> {
    if (this.#isReady() || signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const wake = () => {
        this.#readyWaiters.delete(wake);
        signal.removeEventListener('abort', wake);
        resolve();
      };
      this.#readyWaiters.add(wake);
      signal.addEventListener('abort', wake, { once: true });
    });
  }

  #hold(): void {
    if (this.#holds++ === 0) this.#channel?.ref();
  }

  #release(): void {
    if (--this.#holds === 0) this.#channel?.unref();
  }

  #check(call: string, allowed: boolean): void {
    if (this.#transferred) throw new ClosedError(`Connection.${call}(): this end was passed to another process.`);
    if (this.#closed) throw new ClosedError(`Connection.${call}(): this end is closed.`);
    if (!allowed) throw new InvalidStateError(`Connection.${call}(): this end of a one-way pipe cannot ${call === 'recv' || call === 'poll' || call === 'recoverFrom' ? 'receive' : 'send'}.`);
  }

  #open(): Promise<Channel<T, T>> {
    this.#opening ??= this.#socket.then((socket) => {
      const channel = new Channel<T, T>(socket, {
        name: 'pipe',
        // Room for a few large messages in flight, so copying and sending overlap.
        highWaterMark: 4 * 1024 * 1024,
        // Ring messages are read when taken: straight into a recvBytesInto() buffer, and the writer waits while a ring's worth is unread.
        deferBulk: true,
        onMessage: (message) => this.#deliver(message),
        onClose: (error) => this.#finish(error),
      });
      if (this.#holds === 0) channel.unref();
      if (this.#journalPath !== undefined) channel.keepJournal(this.#journalPath);
      if (this.#recoverPath !== undefined) channel.recoverFrom(this.#recoverPath);
      this.#channel = channel;
      return channel;
    });
    return this.#opening;
  }

  #deliver(message: T): void {
    // Closed here: nothing will take it (a message in the other end's ring lets go of it).
    if (this.#closed) {
      if (message instanceof BulkMessage) message.discard();
      return;
    }
    for (let receiver = this.#receivers.shift(); receiver; receiver = this.#receivers.shift()) {
      if (receiver.done) continue;
      this.#done(receiver);
      receiver.resolve(message);
      return;
    }
    this.#inbox.push(message);
    if (this.#inboxLength >= INBOX_LIMIT) this.#channel?.pause();
    for (const wake of this.#readyWaiters) wake();
  }

  /**
   * A receiver got its message, or gave up: from now on nothing more is read into its buffer
   * (at once, before the channel decodes anything else).
   */
  #done(receiver: Receiver<T>): void {
    receiver.done = true;
    if (receiver.placing) this.#channel?.readBytesInto(undefined);
  }

  /** End of the stream: waiting receivers get EOF (or the error), ready-waiters wake. */
  #finish(error: Error | undefined): void {
    if (this.#eof) return;
    this.#eof = true;
    this.#failure = error && !(error instanceof ClosedError) ? error : undefined;
    for (let receiver = this.#receivers.shift(); receiver; receiver = this.#receivers.shift()) {
      if (receiver.done) continue;
      this.#done(receiver);
      receiver.reject(error instanceof ClosedError ? error : (this.#failure ?? new EOFError('Connection.recv()')));
    }
    for (const wake of this.#readyWaiters) wake();
  }
}
