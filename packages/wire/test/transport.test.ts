// The Unix transport: where an owner listens, and that it leaves nothing behind.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, it } from 'node:test';
import { UnixTransport } from '@multiproc/wire';

describe('UnixTransport', () => {
  it('listens and accepts a connection, and close() stops it', async () => {
    const transport = new UnixTransport();
    let onAccepted = () => {};
    const accepted = new Promise<void>((resolve) => (onAccepted = resolve));
    const address = transport.listen((socket) => {
      socket.destroy();
      onAccepted();
    });
    const socket = await transport.connect(address);
    await accepted;
    socket.destroy();
    transport.close();
    await assert.rejects(transport.connect(address));
  });

  it('on Linux, an abstract address: no socket file, so a killed owner leaves nothing in the file system', { skip: process.platform !== 'linux' && 'abstract Unix sockets are Linux-only' }, () => {
    const before = new Set(readdirSync(tmpdir()));
    const transport = new UnixTransport();
    const address = transport.listen(() => {});
    assert.equal(address[0], '\0');
    assert.deepEqual(readdirSync(tmpdir()).filter((name) => !before.has(name) && name.startsWith('multiproc-') && !name.startsWith('multiproc-pipe-')), []);
    transport.close();
  });
});
