// Two connected Unix sockets for tests, destroyed when the test ends.
import type { TestContext } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { join } from 'node:path';

/** A connected pair: the client's end, then the end the listener accepted. */
export async function socketPair(t: TestContext): Promise<[net.Socket, net.Socket]> {
  const dir = mkdtempSync(join(os.tmpdir(), 'wire-test-'));
  const path = join(dir, 's');
  const accepted = new Promise<net.Socket>((resolve) => {
    const server = net.createServer((socket) => {
      server.close();
      resolve(socket);
    });
    server.listen(path);
  });
  await new Promise((resolve) => setImmediate(resolve));
  const client = net.connect(path);
  await new Promise<void>((resolve, reject) => client.once('connect', resolve).once('error', reject));
  const remote = await accepted;
  rmSync(dir, { recursive: true, force: true });
  t.after(() => {
    client.destroy();
    remote.destroy();
  });
  return [client, remote];
}
