// A failed encode must not poison the stream: msgpackr's per-stream record state restarts on both sides.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Channel } from '@multiproc/wire';

async function socketPair(): Promise<[Socket, Socket, () => void]> {
  const dir = mkdtempSync(join(tmpdir(), 'wire-reset-'));
  const path = join(dir, 's');
  const server = createServer();
  const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
  await new Promise<void>((resolve) => server.listen(path, resolve));
  const client = createConnection(path);
  await new Promise((resolve) => client.once('connect', resolve));
  return [client, await accepted, () => { server.close(); rmSync(dir, { recursive: true, force: true }); }];
}

describe('Channel after a failed encode', () => {
  it('messages of the same shape as the one that failed still arrive intact', async () => {
    const [a, b, cleanup] = await socketPair();
    const received: unknown[] = [];
    let wake = () => {};
    const sender = new Channel(a, { onMessage: () => {} });
    const receiver = new Channel(b, { onMessage: (m) => { received.push(m); wake(); } });
    sender.send({ shape: 1, other: 'before' });
    assert.throws(() => sender.send({ shape: 2, other: () => 0, third: 3 }), { code: 'ERR_ENCODE' });
    sender.send({ shape: 3, other: 'after', third: 3 });
    sender.send({ shape: 4, other: 'again', third: 4 });
    while (received.length < 3) await new Promise<void>((resolve) => (wake = resolve));
    assert.deepEqual(received, [{ shape: 1, other: 'before' }, { shape: 3, other: 'after', third: 3 }, { shape: 4, other: 'again', third: 4 }]);
    assert.equal(receiver.closed, false);
    await sender.close();
    await receiver.close();
    cleanup();
  });
});
