// The Unix transport: where an owner listens, and that it leaves nothing behind.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { describe, it } from 'node:test';
import { privateSocketDir, UnixTransport } from '@multiproc/wire';

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

  it('a socket directory left by a process that is gone (SIGKILLed) is removed by the next process that listens', () => {
    const gone = spawnSync(process.execPath, ['-e', '']).pid; // a pid whose process has exited
    const leftover = mkdtempSync(join(tmpdir(), `multiproc-${gone}-`));
    writeFileSync(join(leftover, 's'), '');
    const mine = privateSocketDir('multiproc-'); // this process is alive: kept
    const transport = new UnixTransport();
    transport.listen(() => {});
    assert.equal(existsSync(leftover), false);
    assert.equal(existsSync(mine), true);
    transport.close();
    rmSync(mine, { recursive: true });
  });
});
