/**
 * The transport seam: how an owner listens and how a peer reaches it.
 *
 * Today's transport is Unix domain sockets in a private 0700 directory, so
 * only this user can connect at all; a peer must then pass the HMAC handshake
 * on the process tree's secret before anything else is read. (Not Linux's
 * abstract namespace: any local user can connect to, or re-bind, an abstract
 * name, and they are listed in /proc/net/unix.) The directory is named after
 * the pid that made it, so a process that listens first removes the ones
 * whose process is gone (killed before its exit hook could). An
 * authenticated TCP transport (objects shared across machines, as Python's
 * managers allow) is a second implementation of this interface; the HMAC
 * handshake and the Channel above it stay the same. The handshake authenticates
 * both ends and their pids, not the frames after it, so such a transport must
 * protect those itself (TLS, or frames MACed with a key derived from the
 * handshake's transcript); here the 0700 directory does.
 *
 * @module
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// As the CommonJS object: an ESM import of a builtin reads all its exports, and node:fs's lazy ones (fs/promises,
// readline through it) cost every process that loads this ~5 ms at boot.
const { mkdtempSync, readdirSync, rmSync, statSync } = process.getBuiltinModule('node:fs');

/** Where socket directories go: a socket path has at most 107 bytes (longer ones are silently cut), so a long TMPDIR falls back to /tmp. */
const socketBase = () => (Buffer.byteLength(tmpdir()) <= 80 ? tmpdir() : '/tmp');

/**
 * Makes a private directory (mode 0700, by mkdtemp) to hold a Unix socket (or another file only
 * this process tree may use), named `<prefix><pid>-XXXXXX` so that `sweepSocketDirs` can tell whose it was.
 *
 * @param base - where: @default the temporary directory (/tmp when its path is too long for a socket's)
 */
export function privateSocketDir(prefix: string, base = socketBase()): string {
  return mkdtempSync(join(base, `${prefix}${process.pid}-`));
}

/**
 * Removes this user's directories in `base` (made by `privateSocketDir` with `prefix`) whose
 * process no longer exists, and that were last changed at least `minAgeMs` ago.
 */
export function sweepSocketDirs(prefix: string, base = socketBase(), minAgeMs = 0): void {
  let names: string[];
  try {
    names = readdirSync(base);
  } catch {
    return;
  }
  const before = Date.now() - minAgeMs;
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || pidAlive(pid)) continue;
    try {
      if (minAgeMs > 0 && statSync(join(base, name)).mtimeMs > before) continue;
      rmSync(join(base, name), { recursive: true, force: true, maxRetries: 0 });
    } catch {
      // Another user's directory (0700, or in a sticky /tmp) cannot be removed: not ours to sweep.
    }
  }
}

/** Whether process `pid` exists (this user's or another's). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM'; // alive, another user's
  }
}

/**
 * Connections waiting to be accepted (capped by the system's somaxconn: 4096 on Linux since 5.4). Node's default of
 * 511 let one process's burst of connects (thousands at once) make an owner refuse others for a moment (EAGAIN).
 */
const LISTEN_BACKLOG = 4096;

/** The owner transport's socket directories: `multiproc-<pid>-XXXXXX`. */
const SOCKET_DIR_PREFIX = 'multiproc-';

/** Opens a listening endpoint and connects to others. */
export interface Transport {
  /** Starts listening; returns the address peers connect to. Synchronous: the address is needed while encoding a handle. */
  listen(onConnection: (socket: Socket) => void): string;
  /** Connects to an address another process's `listen` returned. */
  connect(address: string): Promise<Socket>;
  /** Stops listening and removes what `listen` created. Safe to call in an 'exit' handler. */
  close(): void;
}

/** Unix domain sockets in a private directory (mode 0700) that only this user can enter. */
export class UnixTransport implements Transport {
  #server: Server | undefined;
  #dir: string | undefined;
  #address: string | undefined;

  listen(onConnection: (socket: Socket) => void): string {
    if (this.#address) return this.#address;
    sweepSocketDirs(SOCKET_DIR_PREFIX);
    sweepSocketDirs('multiproc-pipe-');
    this.#dir = privateSocketDir(SOCKET_DIR_PREFIX);
    this.#address = join(this.#dir, 's');
    const server = createServer({ pauseOnConnect: false }, onConnection);
    server.on('error', () => {});
    // Binding a Unix socket is synchronous in libuv: connections made from now on wait in the backlog.
    server.listen({ path: this.#address, backlog: LISTEN_BACKLOG });
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
