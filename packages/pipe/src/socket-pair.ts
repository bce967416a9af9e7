/**
 * A connected pair of Unix sockets. Node has no socketpair(); a listener in a
 * private (0700) directory accepts exactly one connection and is removed.
 *
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { holdReading } from '@multiproc/wire';

/** Resolves with two connected sockets. */
export function socketPair(): Promise<[Socket, Socket]> {
  // A Unix socket path has at most 107 bytes: fall back to /tmp for a long TMPDIR.
  const dir = mkdtempSync(join(Buffer.byteLength(tmpdir()) <= 80 ? tmpdir() : '/tmp', 'multiproc-pipe-'));
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
