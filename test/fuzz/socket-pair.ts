// Connected Unix socket pairs for the in-process fuzz targets, from one listener in a private directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Makes connected pairs until `close()`. */
export class SocketPairs {
  readonly #dir = mkdtempSync(join(tmpdir(), 'multiproc-fuzz-'));
  readonly #path = join(this.#dir, 's');
  readonly #server: Server;
  readonly #accepted: Array<(socket: Socket) => void> = [];
  readonly #ready: Promise<void>;

  constructor() {
    this.#server = createServer((socket) => this.#accepted.shift()?.(socket));
    this.#ready = new Promise((resolve) => this.#server.listen(this.#path, resolve));
  }

  /** A new pair: [the client's end, the accepted end]. */
  async pair(): Promise<[Socket, Socket]> {
    await this.#ready;
    const accepted = new Promise<Socket>((resolve) => this.#accepted.push(resolve));
    const client = createConnection(this.#path);
    await new Promise<void>((resolve, reject) => client.once('connect', resolve).once('error', reject));
    return [client, await accepted];
  }

  close(): void {
    this.#server.close();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
