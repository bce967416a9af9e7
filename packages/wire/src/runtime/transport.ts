/**
 * The transport seam: how an owner listens and how a peer reaches it.
 *
 * Today's transport is Unix domain sockets: on Linux in the abstract namespace
 * (no file, so nothing is left behind when a process is killed), elsewhere in a
 * private 0700 directory. Either way a peer must pass the HMAC handshake on the
 * process tree's secret before anything else is read (an abstract name is
 * visible to other users in /proc/net/unix; knowing it is not enough). An
 * authenticated TCP transport (objects shared across machines, as Python's
 * managers allow) is a second implementation of this interface; the HMAC
 * handshake and the Channel above it stay the same.
 *
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Makes a private directory (mode 0700, by mkdtemp) to hold a Unix socket. A socket path has at
 * most 107 bytes (longer ones are silently cut by the OS), so a long TMPDIR falls back to /tmp.
 */
export function privateSocketDir(prefix: string): string {
  const base = Buffer.byteLength(tmpdir()) <= 80 ? tmpdir() : '/tmp';
  return mkdtempSync(join(base, prefix));
}

/** Opens a listening endpoint and connects to others. */
export interface Transport {
  /** Starts listening; returns the address peers connect to. Synchronous: the address is needed while encoding a handle. */
  listen(onConnection: (socket: Socket) => void): string;
  /** Connects to an address another process's `listen` returned. */
  connect(address: string): Promise<Socket>;
  /** Stops listening and removes what `listen` created. Safe to call in an 'exit' handler. */
  close(): void;
}

/**
 * Unix domain sockets: an abstract address on Linux, else a socket file in a private directory
 * (mode 0700) that only this user can enter.
 */
export class UnixTransport implements Transport {
  #server: Server | undefined;
  #dir: string | undefined;
  #address: string | undefined;

  listen(onConnection: (socket: Socket) => void): string {
    if (this.#address) return this.#address;
    if (process.platform === 'linux') {
      // node:crypto on first use only (as the handshake does): most children never listen.
      this.#address = `\0multiproc-${process.pid}-${process.getBuiltinModule('node:crypto').randomBytes(12).toString('hex')}`;
    } else {
      this.#dir = privateSocketDir('multiproc-');
      this.#address = join(this.#dir, 's');
    }
    const server = createServer({ pauseOnConnect: false }, onConnection);
    server.on('error', () => {});
    // Binding a Unix socket is synchronous in libuv: connections made from now on wait in the backlog.
    server.listen(this.#address);
    server.unref();
    this.#server = server;
    return this.#address;
  }

  connect(address: string): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = createConnection(address);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(socket);
      });
      socket.once('error', reject);
    });
  }

  close(): void {
    this.#server?.close();
    this.#server = undefined;
    if (this.#dir) rmSync(this.#dir, { recursive: true, force: true });
    this.#dir = undefined;
    this.#address = undefined;
  }
}
