/**
 * A peer: another process this one talks to, over one Channel. Both sides can
 * call objects the other owns, and serve calls on their own.
 *
 * Keep-alive: the channel keeps the event loop alive only while this side
 * waits for a reply (or someone holds it open), so an idle child can exit and
 * a child blocked in `queue.get()` cannot.
 *
 * @module
 */
import type { Duplex } from 'node:stream';
import { Deadline, type BlockingOptions } from '../blocking.js';
import { Channel } from '../channel.js';
import type { Transfer } from '../encode-context.js';
import { AbortError, OwnerGoneError, ProtocolError, type MultiprocError } from '../errors.js';
import { pidAlive } from './transport.js';
import { isRuntimeMessage, type CallMessage, type ReceiptMessage, type ReplyMessage, type RuntimeMessage, type TaggedMessage } from './messages.js';
import type { BatchReceipt, CallContext, Owned } from './owned.js';
import { AckJournalReader, AckJournalWriter } from './ack-journal.js';

/** Finds the objects a peer may call; the runtime implements it. */
export interface ObjectTable {
  get(id: number): Owned | undefined;
  /** Told once when a peer closes, after its pending calls were rejected. */
  peerClosed(peer: Peer): void;
}

/** Failed posts of one peer reported as warnings; later ones are not (see #warnPostFailed). */
const POST_WARNINGS = 10;

/** Socket receipts of a batch's items (bookkeeping: the journal holds what counts) wait at most this long for the code using them to yield. */
const ACK_WITHIN_MS = 1;

/** Options of a {@link Peer}. */
export interface PeerOptions {
  /** The other process's pid. */
  pid: number;
  /** Names the connection in errors. */
  name: string;
  /** Messages that are not the runtime's (process boot, pool traffic). A throw closes the peer. */
  onOther?: ((message: TaggedMessage) => void) | undefined;
  /** Called once when the peer closes. */
  onClose?: ((error: Error | undefined) => void) | undefined;
  /** Sends OS handles beside messages (Node's IPC channel); only parent↔child peers have it. */
  transfer?: ((transfers: Transfer[]) => void) | undefined;
  /** It came through an owner's socket: see ChannelOptions.trustedImportsOnly (and isPeerAlive). @default false */
  trustedImportsOnly?: boolean;
}

/** Options of a call. */
export interface CallOptions extends BlockingOptions {
  /** The public call's name for errors, e.g. `"Queue.get()"`. */
  call: string;
  /**
   * Called in the call itself when its message could not be sent (it cannot be encoded, or is more than one message
   * may hold), before anything sent later: a caller that falls back to other messages keeps its order. The call's
   * promise still rejects with the error.
   */
  onNotSent?: ((error: unknown) => void) | undefined;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  call: string;
  /** Set when this side gave up (timeout/abort) and asked the owner to cancel. */
  cancelled?: Error | undefined;
  deadline?: Deadline | undefined;
  /** Asked for with callBatch(). */
  batch?: boolean;
  /** The batch's slot in this side's receipts file. */
  slot?: number | undefined;
}

/** A reply the caller has not yet confirmed receiving (or, for a batch, using). */
interface Unreceipted {
  lost: (error?: unknown) => unknown;
  batch: BatchReceipt | undefined;
  /** A batch: the caller's slot, its items, and how many its socket receipts said were used. */
  slot?: number | undefined;
  length?: number;
  used?: number;
}

/** A batch reply: its items, and how to tell the owner which were used. */
export interface Batch<T> {
  value: T;
  /**
   * `used` more items were used; with `giveBack`, the rest go back to the owner now. Recorded where it outlives this
   * process before it returns (see ack-journal.ts), so call it just before the code using the items sees them: an
   * item that code saw is never handed out again.
   */
  acknowledge(used: number, giveBack?: boolean): void;
}

/** One connection to another process. */
export class Peer {
  /** The other process's pid. */
  readonly pid: number;
  readonly #channel: Channel<TaggedMessage, TaggedMessage>;
  readonly #objects: ObjectTable;
  readonly #onOther: ((message: TaggedMessage) => void) | undefined;
  readonly #onClose: ((error: Error | undefined) => void) | undefined;
  readonly #pending = new Map<number, Pending>();
  /** Calls this side serves that can still be cancelled. */
  readonly #serving = new Map<number, AbortController>();
  /** Replies the caller has not yet confirmed receiving (or, for batches, using). */
  readonly #unreceipted = new Map<number, Unreceipted>();
  /** Batch acknowledgements waiting to be sent (see #acknowledger). */
  readonly #pendingAcks = new Set<() => void>();
  #nextId = 0;
  #holds = 0;
  #postWarnings = 0;
  #closeError: Error | undefined;
  #closed = false;
  /** Where this side records the items of batch replies it used (undefined: not made yet; null: none to be had). */
  #acks: AckJournalWriter | null | undefined;
  /** The other side's such file, to read when it dies. */
  #peerAcks: AckJournalReader | undefined;

  constructor(socket: Duplex, objects: ObjectTable, options: PeerOptions) {
    this.pid = options.pid;
    this.#objects = objects;
    this.#onOther = options.onOther;
    this.#onClose = options.onClose;
    this.#channel = new Channel<TaggedMessage, TaggedMessage>(socket, {
      name: options.name,
      onMessage: (message) => this.#receive(message),
      onClose: (error) => this.#closedBy(error),
      transfer: options.transfer,
      decodeContext: this,
      trustedImportsOnly: options.trustedImportsOnly,
      // (A child's death is seen through its process; a process that came through the socket is asked for by pid.)
      isPeerAlive: options.trustedImportsOnly ? () => pidAlive(options.pid) : undefined,
    });
    this.#channel.unref();
  }

  /** True once the connection closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The underlying channel's byte and message counters. */
  get counters(): Channel['counters'] {
    return this.#channel.counters;
  }

  /**
   * Calls `op` on object `obj` that the other process owns.
   *
   * @throws {OwnerGoneError} `ERR_OWNER_GONE` when the connection is or becomes closed before the reply.
   * @throws {TimeoutError} `ERR_TIMEOUT` / {@link AbortError} `ERR_ABORTED` when the deadline comes first and the owner had not served the call yet.
   */
  call<T>(obj: number, op: string, args: unknown[], options: CallOptions): Promise<T> {
    if (this.#closed) return Promise.reject(this.#goneError(options.call));
    const id = ++this.#nextId;
    let deadline: Deadline | undefined;
    if (options.timeout !== undefined || options.signal !== undefined) {
      try {
        deadline = new Deadline(options.call, options);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    const batch = (options as { batch?: boolean }).batch === true;
    const slot = batch ? this.#ackSlot() : undefined;
    const promise = new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject, call: options.call, deadline, batch, slot });
    });
    try {
      this.#send(slot === undefined ? ({ t: 'call', id, obj, op, args } satisfies CallMessage) : ({ t: 'call', id, obj, op, args, s: slot } satisfies CallMessage));
    } catch (error) {
      // Not sent (e.g. an argument cannot be encoded): nothing is pending, nothing may linger.
      this.#pending.delete(id);
      if (slot !== undefined) this.#acks?.free(slot);
      deadline?.[Symbol.dispose]();
      options.onNotSent?.(error);
      return Promise.reject(error);
    }
    this.hold();
    if (deadline) {
      deadline.expired.catch((error: Error) => {
        const pending = this.#pending.get(id);
        if (!pending || pending.cancelled) return;
        pending.cancelled = error;
        // The owner decides: a call it has not served yet is cancelled; one it served keeps its result.
        try {
          if (!this.#closed) this.#send({ t: 'cancel', id });
        } catch {
          // Closing: the pending call is rejected when the close completes.
        }
      });
    }
    return promise;
  }

  /**
   * Like `call`, for an operation whose reply is a batch the caller uses item by item
   * (a queue's prefetch). Acknowledge items as they are used; what is never acknowledged
   * goes back to the owner if this process dies, and `acknowledge(n, true)` gives the rest back now.
   */
  callBatch<T>(obj: number, op: string, args: unknown[], options: CallOptions): Promise<Batch<T>> {
    return this.call<Batch<T>>(obj, op, args, { ...options, batch: true } as CallOptions);
  }

  /** Sends `op` to object `obj` without waiting for a reply (errors are the owner's to report). */
  post(obj: number, op: string, args: unknown[]): void {
    if (this.#closed) throw this.#goneError(`${op}()`);
    this.#send({ t: 'post', obj, op, args });
  }

  /** Sends a message of another layer (boot, pool) on this peer's channel. */
  send(message: TaggedMessage): boolean {
    return this.#send(message);
  }

  /** Keeps the event loop alive until `release()`: e.g. a child waiting for its boot message. */
  hold(): void {
    if (this.#holds++ === 0) this.#channel.ref();
  }

  /** Undoes one `hold()`. */
  release(): void {
    if (--this.#holds === 0) this.#channel.unref();
  }

  /** Writes what is queued synchronously (see Channel.flushSync): for the process's 'exit' event. */
  flushSync(): void {
    // Receipts waiting for the running code to yield go first: at exit it never will.
    for (const flush of [...this.#pendingAcks]) flush();
    this.#channel.flushSync();
  }

  /** Flushes and closes the connection. */
  close(): Promise<void> {
    return this.#channel.close();
  }

  /** Closes at once; pending calls reject with `ERR_OWNER_GONE` whose cause is `error`. */
  destroy(error?: Error): void {
    this.#channel.destroy(error);
  }

  /** Every message goes out after the batch receipts still pending (see #acknowledger). */
  #send(message: RuntimeMessage | TaggedMessage): boolean {
    if (this.#pendingAcks.size > 0) for (const flush of [...this.#pendingAcks]) flush();
    return this.#channel.send(message);
  }

  #receive(message: TaggedMessage): void {
    if (typeof message !== 'object' || message === null || typeof message.t !== 'string') {
      throw new ProtocolError(`${this.#channel.name}: received a message without a tag; closing the connection.`);
    }
    if (!isRuntimeMessage(message)) {
      if (!this.#onOther) throw new ProtocolError(`${this.#channel.name}: unknown message tag '${message.t}'; closing the connection.`);
      this.#onOther(message);
      return;
    }
    switch (message.t) {
      case 'reply':
        return this.#reply(message);
      case 'call':
        return this.#serve(message.id, message.obj, message.op, message.args, message.s);
      case 'post':
        return this.#serve(0, message.obj, message.op, message.args, undefined);
      case 'acks':
        this.#peerAcks?.close();
        this.#peerAcks = new AckJournalReader(message.path, this.#channel.name);
        return;
      case 'cancel':
        this.#serving.get(message.id)?.abort(new AbortError('the caller cancelled'));
        return;
      case 'receipt': {
        const entry = this.#unreceipted.get(message.id);
        if (!entry) return;
        if (entry.used !== undefined && message.n !== undefined) entry.used += message.n;
        if (!entry.batch || message.n === undefined || entry.batch.acknowledged(message.n, message.back === true)) {
          this.#unreceipted.delete(message.id);
        }
        return;
      }
    }
  }

  #reply(message: ReplyMessage): void {
    const pending = this.#pending.get(message.id);
    if (!pending) throw new ProtocolError(`${this.#channel.name}: a reply to unknown call ${message.id}; closing the connection.`);
    this.#pending.delete(message.id);
    pending.deadline?.[Symbol.dispose]();
    this.release();
    // The receipt goes out before the caller's code runs, so even a process.exit() right after it gets sent.
    // A batch (r: 2) asked for with callBatch() is acknowledged by its user, item by item.
    if (message.r === 1 || (message.r === 2 && !pending.batch)) this.#send({ t: 'receipt', id: message.id });
    if (pending.slot !== undefined && !(message.ok && pending.batch)) this.#acks?.free(pending.slot);
    if (message.ok && pending.batch) {
      const length = Array.isArray(message.value) ? message.value.length : 1;
      pending.resolve({ value: message.value, acknowledge: this.#acknowledger(message.id, pending.slot, length) });
    } else if (message.ok) pending.resolve(message.value);
    else if (pending.cancelled && (message.value as { code?: string } | null)?.code === 'ERR_ABORTED') pending.reject(pending.cancelled);
    else pending.reject(message.value);
  }

  /**
   * A slot in this side's receipts file for a batch call (see ack-journal.ts); the file is made on the first one, its
   * path goes to the other side before that call; undefined when there is none to be had.
   */
  #ackSlot(): number | undefined {
    if (this.#acks === undefined) {
      this.#acks = AckJournalWriter.create() ?? null;
      if (this.#acks) this.#send({ t: 'acks', path: this.#acks.path });
    }
    return this.#acks?.open();
  }

  /**
   * Acknowledgements of a batch's items. Each is recorded in this side's receipts file before it returns (a `pwrite`
   * of the slot: the owner reads it if this process dies, and is not woken now), and the receipts on the socket are
   * added up and sent when the code running now has finished (a process.nextTick runs after every pending promise
   * callback: a `for await` over quick items acknowledges them in one message), or sooner when that code has run for
   * ACK_WITHIN_MS, and always before any other message to this peer. A give-back, and any acknowledgement without a
   * slot (no file, or none free), is written to the socket at once (Channel.sendNow).
   */
  #acknowledger(id: number, slot: number | undefined, length: number): Batch<unknown>['acknowledge'] {
    let used = 0;
    let total = 0;
    let since = 0;
    const flush = () => {
      this.#pendingAcks.delete(flush);
      if (this.#closed || used === 0) return;
      const n = used;
      used = 0;
      this.#sendQuietly({ t: 'receipt', id, n });
    };
    return (n, giveBack = false) => {
      used += n;
      total += n;
      let recorded = false;
      if (slot !== undefined) {
        recorded = this.#acks?.record(slot, id, total, giveBack) ?? false;
        // Every item used: the slot may serve another batch (a different call's record then means "all used").
        if (recorded && !giveBack && total >= length) this.#acks!.free(slot);
        if (!recorded || total >= length) slot = undefined;
      }
      if (giveBack || !recorded) {
        this.#pendingAcks.delete(flush);
        const m = used;
        used = 0;
        if (this.#closed) return;
        try {
          const receipt: ReceiptMessage = giveBack ? { t: 'receipt', id, n: m, back: true } : { t: 'receipt', id, n: m };
          this.#channel.sendNow(receipt);
        } catch {
          // Closing: the owner settles the batch when it sees the close.
        }
      } else if (!this.#pendingAcks.has(flush)) {
        this.#pendingAcks.add(flush);
        since = performance.now();
        process.nextTick(flush);
      } else if (performance.now() - since >= ACK_WITHIN_MS) {
        flush();
      }
    };
  }

  /** Sends a receipt; a closing connection is not an error here (the owner settles the batch when it sees the close). */
  #sendQuietly(message: RuntimeMessage): void {
    if (this.#closed) return;
    try {
      this.#channel.send(message);
    } catch {
      // closing
    }
  }

  #serve(id: number, objId: number, op: string, args: unknown[], slot: number | undefined): void {
    const object = this.#objects.get(objId);
    const respond = (ok: boolean, value: unknown, receipt?: Unreceipted) => {
      this.#serving.delete(id);
      if (id === 0 || this.#closed) {
        if (!ok && id === 0) this.#warnPostFailed(value as Error);
        return;
      }
      if (receipt?.batch && Array.isArray(value)) Object.assign(receipt, { slot, length: value.length, used: 0 });
      if (receipt) this.#unreceipted.set(id, receipt);
      try {
        this.#send({ t: 'reply', id, ok, value, ...(receipt ? { r: receipt.batch ? (2 as const) : (1 as const) } : {}) });
      } catch (error) {
        // Not sent (the value cannot be encoded, or the channel is closing): what it carried goes back
        // (a queue item), and the caller, if it can still be told, gets the error.
        this.#unreceipted.delete(id);
        const told = receipt?.lost(error) ?? error;
        try {
          this.#send({ t: 'reply', id, ok: false, value: told });
        } catch {
          // The channel is closing: the caller learns it from the close.
        }
      }
    };
    if (!object) {
      respond(false, new OwnerGoneError(`${op}(): the object no longer exists in process ${process.pid} (it was closed or released).`));
      return;
    }
    let receipt: Unreceipted | undefined;
    const context = this.#context(id, (lost, batch) => (receipt = { lost, batch }));
    let result: unknown;
    try {
      result = object.dispatch(op, args, context);
    } catch (error) {
      respond(false, error);
      return;
    }
    if (result instanceof Promise) {
      result.then(
        (value) => respond(true, value, receipt),
        (error) => respond(false, error),
      );
    } else {
      respond(true, result, receipt);
    }
  }

  /**
   * A post (no reply wanted) failed: the owner says so on stderr, at most POST_WARNINGS times per peer (a peer that
   * posts nonsense in a loop must not flood this process's stderr).
   */
  #warnPostFailed(error: Error): void {
    const n = ++this.#postWarnings;
    if (n <= POST_WARNINGS) process.emitWarning(error);
    if (n === POST_WARNINGS) process.emitWarning(`${this.#channel.name}: further failed posts from process ${this.pid} are not reported.`);
  }

  #context(id: number, needReceipt: (onLost: (error?: unknown) => unknown, batch?: BatchReceipt) => void): CallContext {
    const serving = this.#serving;
    let controller: AbortController | undefined;
    return {
      peer: this,
      get signal() {
        if (!controller) {
          controller = new AbortController();
          if (id !== 0) serving.set(id, controller);
        }
        return controller.signal;
      },
      needReceipt,
    };
  }

  /** The other side died with batch `id` unsettled: what its receipts file says it used counts as used. */
  #settleFromJournal(id: number, entry: Unreceipted): void {
    if (!entry.batch || entry.slot === undefined || entry.length === undefined || !this.#peerAcks) return;
    const reading = this.#peerAcks.read(entry.slot, id);
    if (!reading) return;
    const more = Math.min(reading.used, entry.length) - (entry.used ?? 0);
    if (more > 0) entry.batch.acknowledged(more, false);
  }

  #goneError(call: string, cause?: Error): MultiprocError {
    return new OwnerGoneError(
      `${call}: the connection to process ${this.pid} is closed, so the owner of this object is gone (it exited or was killed). ` +
        'Keep the owning process alive while others use its objects.',
      { cause: cause ?? this.#closeError },
    );
  }

  #closedBy(error: Error | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closeError = error;
    for (const pending of this.#pending.values()) {
      pending.deadline?.[Symbol.dispose]();
      pending.reject(this.#goneError(pending.call, error));
    }
    this.#pending.clear();
    for (const controller of this.#serving.values()) controller.abort(this.#goneError('a call being served'));
    this.#serving.clear();
    for (const [id, entry] of this.#unreceipted) {
      this.#settleFromJournal(id, entry);
      entry.lost();
    }
    this.#unreceipted.clear();
    this.#peerAcks?.close();
    this.#acks?.close();
    this.#holds = 0;
    this.#objects.peerClosed(this);
    this.#onClose?.(error);
  }
}
