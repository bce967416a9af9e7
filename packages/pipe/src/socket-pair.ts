/**
 * A connected pair of Unix sockets. Node has no socketpair(); a listener in a
 * private (0700) directory accepts exactly one connection and is removed.
 *
 * @module
 */
import { createConnection, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { holdReading, privateSocketDir } from '@multiproc/wire';

// As the CommonJS object: an ESM import of a builtin reads all its exports, and node:fs's lazy ones (fs/promises,
// readline through it) cost every process that loads this ~5 ms at boot.
const { rmSync } = process.getBuiltinModule('node:fs');

/** Resolves with two connected sockets. */
export function socketPair(): Promise<[Socket, Socket]> {
  const dir = privateSocketDir('multiproc-pipe-');
  const path = join(dir, 's');
  return new Promise<[Socket, Socket]>((resolve, reject) => {
    let client: Socket | undefined;
    let accepted: Socket | undefined;
    const done = () => {
      if (!client || !accepted) return;
      server.close();
      rmSync(dir, { recursive: true, force: true });
      resolve([accepted, client]);
    };
    const server = createServer({ pauseOnConnect: true }, (socket) => {
      accepted = socket;
      done();
    });
    server.on('error', (error) => {
      rmSync(dir, { recursive: true, force: true });
      reject(error);
    });
    server.listen(path, () => {
      const socket = createConnection(path, () => {
        holdReading(socket);
        socket.off('error', reject);
        client = socket;
        done();
      });
      socket.once('error', reject);
    });
  });
}
