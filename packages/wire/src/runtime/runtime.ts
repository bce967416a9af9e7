/**
 * The per-process runtime: the objects this process owns, the peers it talks
 * to, and how it reaches an owner it has no connection to yet.
 *
 * - Parent and children are attached as peers over the channel they already
 *   share (see @multiproc/process), so using a parent's queue needs no new connection.
 * - Any other owner is reached directly through its transport address, after
 *   the HMAC handshake on the process tree's secret.
 * - An owner starts listening lazily, the first time it writes a handle.
 *
 * One runtime per process, kept on `globalThis` so that two copies of this
 * package in one process share it.
 *
 * @module
 */
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { InvalidArgumentError, OwnerGoneError } from '../errors.js';
import { cleanUpAtExit } from '../exit-cleanup.js';
import { acceptHandshake, offerHandshake } from './handshake.js';
import type { Transfer } from '../encode-context.js';
import type { TaggedMessage } from './messages.js';
import type { Handle, Owned, OwnerAddress } from './owned.js';
import { KeepAlive } from './keep-alive.js';
import { Peer, type Batch, type CallOptions, type ObjectTable } from './peer.js';
import { connectRetryDelay } from './connect-retry.js';
import { pidAlive, UnixTransport, type Transport } from './transport.js';

/** How to attach a peer over an existing connection. */
export interface AttachOptions {
  /** Names the connection in errors. */
  name: string;
  /** Messages of other layers on this connection. */
  onOther?: ((message: TaggedMessage) => void) | undefined;
  /** Called once when it closes. */
  onClose?: ((error: Error | undefined) => void) | undefined;
  /** Sends OS handles beside messages (the IPC channel of a parent↔child pair). */
  transfer?: ((transfers: Transfer[]) => void) | undefined;
}

interface HandleSlot {
  handle?: object;
  waiters: Array<{ resolve: (handle: object) => void; reject: (error: Error) => void }>;
}

/** See the module comment. */
export class Runtime implements ObjectTable {
  readonly #objects = new Map<number, Owned>();
  readonly #peers = new Map<number, Peer>();
  readonly #connecting = new Map<string, Promise<Peer>>();
  /** OS handles sent beside messages, by `pid:id`, until the decoded object that refers to them claims them. */
  readonly #handles = new Map<string, HandleSlot>();
  readonly #transport: Transport;
  readonly #keepAlive = new KeepAlive(() => this.#peers.values());
  #nextObjectId = 0;
  #secret: Uint8Array | undefined;
  #address: OwnerAddress | undefined;

  constructor(transport: Transport = new UnixTransport()) {
    this.#transport = transport;
    // Posts made just before process.exit() (a release(), a taskDone()) would otherwise never leave.
    process.on('exit', () => this.flushSync());
  }

  /** Writes every connection's queued messages synchronously (best effort; for the 'exit' event). */
  flushSync(): void {
    for (const peer of this.#peers.values()) peer.flushSync();
  }

  /** The process tree's secret: made by the root process, inherited by every child in its boot message. */
  get secret(): Uint8Array {
    this.#secret ??= process.getBuiltinModule('node:crypto').randomBytes(32);
    return this.#secret;
  }

  /** Takes the secret a parent sent (children only, before any handle is used). */
  adoptSecret(secret: Uint8Array): void {
    if (!(secret instanceof Uint8Array) || secret.length < 16) {
      throw new InvalidArgumentError('Runtime.adoptSecret(): the secret must be at least 16 bytes.');
    }
    this.#secret = secret;
  }

  /** Registers an object other processes may call; returns its id. */
  own(object: Owned): number {
    const id = ++this.#nextObjectId;
    this.#objects.set(id, object);
    return id;
  }

  /** Forgets an owned object; later calls on it fail with `ERR_OWNER_GONE`. */
  disown(id: number): void {
    this.#objects.delete(id);
  }

  /** The owned object with this id (ObjectTable). */
  get(id: number): Owned | undefined {
    return this.#objects.get(id);
  }

  /** A handle to owned object `id`, to write into a message. Starts listening if this process does not yet. */
  handle(id: number): Handle {
    return { owner: this.ownerAddress(), id };
  }

  /** This process's address as an owner. */
  ownerAddress(): OwnerAddress {
    if (!this.#address) {
      const address = this.#transport.listen((socket) => this.#accept(socket));
      this.#address = { pid: process.pid, address };
      // Also on SIGINT/SIGTERM/SIGHUP: a signal's death runs no 'exit' handler, and would leave the directory.
      cleanUpAtExit(() => this.#transport.close());
    }
    return this.#address;
  }

  /** Attaches a peer over a connection that already exists (parent ↔ child). */
  attach(socket: Duplex, pid: number, options: AttachOptions): Peer {
    const peer = new Peer(socket, this, { pid, ...options });
    this.#peers.set(pid, peer);
    this.#keepAlive.peerAdded(peer);
    return peer;
  }

  /**
   * Returns `work` (a blocking call on an object this process owns, waiting), having kept this process alive until it
   * settles while another process that could end the wait is connected (see keep-alive.ts).
   */
  keepAliveWhile<T>(work: Promise<T>): Promise<T> {
    return this.#keepAlive.while(work);
  }

  /** The peer for the process with this pid, if connected. */
  peer(pid: number): Peer | undefined {
    const peer = this.#peers.get(pid);
    return peer && !peer.closed ? peer : undefined;
  }

  /** Calls `op` on the object a handle points at, connecting to its owner if needed. */
  call<T>(handle: Handle, op: string, args: unknown[], options: CallOptions): Promise<T> {
    const peer = this.peer(handle.owner.pid);
    if (peer) return peer.call<T>(handle.id, op, args, options);
    return this.#connect(handle.owner, options.call).then((p) => p.call<T>(handle.id, op, args, options));
  }

  /** Like `call`, for a batch used item by item (see Peer.callBatch). */
  callBatch<T>(handle: Handle, op: string, args: unknown[], options: CallOptions): Promise<Batch<T>> {
    const peer = this.peer(handle.owner.pid);
    if (peer) return peer.callBatch<T>(handle.id, op, args, options);
    return this.#connect(handle.owner, options.call).then((p) => p.callBatch<T>(handle.id, op, args, options));
  }

  /** Sends `op` without waiting for a reply, connecting first if needed. */
  post(handle: Handle, op: string, args: unknown[]): void {
    const peer = this.peer(handle.owner.pid);
    if (peer) return peer.post(handle.id, op, args);
    this.#connect(handle.owner, `${op}()`).then(
      (p) => p.post(handle.id, op, args),
      // An owner that is gone has nothing left to tell (a release of its lock is moot); anything else is worth a warning.
      (error: Error) => {
        if (!(error instanceof OwnerGoneError)) process.emitWarning(error);
      },
    );
  }

  /** Hands over an OS handle that process `pid` sent beside a message (from its IPC channel). */
  deliverHandle(pid: number, id: number, handle: object): void {
    const key = `${pid}:${id}`;
    const slot = this.#handles.get(key);
    const waiter = slot?.waiters.shift();
    if (waiter) {
      this.#handles.delete(key);
      waiter.resolve(handle);
    } else {
      this.#handles.set(key, { handle, waiters: [] });
    }
  }

  /** The OS handle process `pid` sent with transfer id `id`, once it arrives (it may come before or after the message). */
  claimHandle(pid: number, id: number): Promise<object> {
    const key = `${pid}:${id}`;
    const slot = this.#handles.get(key);
    if (slot?.handle) {
      this.#handles.delete(key);
      return Promise.resolve(slot.handle);
    }
    const peer = this.peer(pid);
    if (!peer) {
      return Promise.reject(new OwnerGoneError(`the process ${pid} that sent an OS handle is gone, and the handle never arrived.`));
    }
    // Waiting for a handle keeps the process alive (the IPC channel it comes on does not).
    peer.hold();
    return new Promise<object>((resolve, reject) => {
      const waiting = slot ?? { waiters: [] };
      waiting.waiters.push({ resolve, reject });
      this.#handles.set(key, waiting);
    }).finally(() => peer.release());
  }

  /** ObjectTable: a peer closed; every owned object releases what that process held. */
  peerClosed(peer: Peer): void {
    if (this.#peers.get(peer.pid) === peer) this.#peers.delete(peer.pid);
    this.#keepAlive.peerClosed(peer);
    for (const [key, slot] of this.#handles) {
      if (!key.startsWith(`${peer.pid}:`) || slot.handle) continue;
      this.#handles.delete(key);
      for (const waiter of slot.waiters) waiter.reject(new OwnerGoneError(`process ${peer.pid} closed its connection before the OS handle it sent arrived.`));
    }
    for (const object of this.#objects.values()) object.peerClosed?.(peer);
  }

  #connect(owner: OwnerAddress, call: string): Promise<Peer> {
    let connecting = this.#connecting.get(owner.address);
    if (!connecting) {
      connecting = this.#dial(owner, call).finally(() => this.#connecting.delete(owner.address));
      this.#connecting.set(owner.address, connecting);
    }
    return connecting;
  }

  async #dial(owner: OwnerAddress, call: string): Promise<Peer> {
    let socket: Socket;
    const started = performance.now();
    for (let attempt = 1; ; attempt++) {
      try {
        socket = await this.#transport.connect(owner.address);
        break;
      } catch (cause) {
        const code = (cause as { code?: unknown }).code;
        const delay = connectRetryDelay(attempt, code, performance.now() - started, () => pidAlive(owner.pid));
        if (delay === undefined) {
          throw new OwnerGoneError(`${call}: cannot reach process ${owner.pid}, the owner of this object; it has exited.`, { cause });
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
    try {
      // Fails with ERR_AUTH unless the other end is process owner.pid of this tree (its pid is under its MAC), and with
      // ERR_OWNER_GONE if it closes without a word (a SIGKILLed owner's listener, reached while it dies).
      await offerHandshake(socket, this.secret, owner.pid);
    } catch (error) {
      socket.destroy();
      if (error instanceof OwnerGoneError) throw new OwnerGoneError(`${call}: process ${owner.pid}, the owner of this object, has exited.`, { cause: error });
      throw error;
    }
    const peer = new Peer(socket, this, { pid: owner.pid, name: `connection to owner ${owner.pid}`, trustedImportsOnly: true });
    if (!this.peer(owner.pid)) this.#peers.set(owner.pid, peer);
    this.#keepAlive.peerAdded(peer);
    return peer;
  }

  #accept(socket: Socket): void {
    socket.unref();
    acceptHandshake(socket, this.secret).then(
      (pid) => {
        const peer = new Peer(socket, this, { pid, name: `connection from process ${pid}`, trustedImportsOnly: true });
        if (!this.peer(pid)) this.#peers.set(pid, peer);
        this.#keepAlive.peerAdded(peer);
      },
      () => socket.destroy(),
    );
  }
}

const KEY = Symbol.for('multiproc.wire.runtime');

/** This process's runtime. */
export function runtime(): Runtime {
  const holder = globalThis as unknown as Record<symbol, Runtime | undefined>;
  holder[KEY] ??= new Runtime();
  return holder[KEY];
}
