// Frames that arrive while a module a peer announced is being imported are held, in bounded memory: past about
// 1 MiB the reader stops reading and the peer's writes back up (issue #19 item 3).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Channel, registerPassable } from '@multiproc/wire';
import { socketPair } from './helpers/socket-pair.js';

const HANG = { timeout: 60_000 };

class NeedsSlowModule {
  constructor(readonly n: number) {}
}
registerPassable({
  type: 40,
  Class: NeedsSlowModule,
  encode: (value) => value.n,
  decode: (n: number) => new NeedsSlowModule(n),
  module: new URL('./fixtures/slow-import.mjs', import.meta.url).href,
});

/** Resolves once `socket` has written nothing more for 100 ms: the reader stopped taking its bytes. */
async function stalled(socket: { bytesWritten: number }): Promise<void> {
  let last = -1;
  for (let still = 0; still < 5; await sleep(20)) {
    still = socket.bytesWritten === last ? still + 1 : 0;
    last = socket.bytesWritten;
  }
}

test('while an import is pending, the reader holds at most about 1 MiB, then delivers everything in order once it is done', HANG, async (t) => {
  let open!: () => void;
  (globalThis as Record<string, unknown>)['slowImportGate'] = new Promise<void>((resolve) => (open = resolve));
  const [client, remote] = await socketPair(t);
  const received: unknown[] = [];
  const reader = new Channel(remote, { name: 'reader', onMessage: (m) => received.push(m) });
  const writer = new Channel(client, { name: 'writer', onMessage: () => {} });
  writer.send(new NeedsSlowModule(0)); // announces the module: the reader starts importing it, and holds what follows
  const chunk = 'x'.repeat(60_000);
  for (let i = 1; i <= 300; i++) writer.send(i % 2 ? chunk : i); // 9 MB
  await stalled(client);
  assert.ok(reader.counters.bytesIn < 2 * 1024 * 1024, `read ${reader.counters.bytesIn} bytes while the import was pending`);
  assert.equal(received.length, 0);
  open();
  while (received.length < 301) await sleep(5);
  assert.ok(received[0] instanceof NeedsSlowModule);
  assert.deepEqual(received.slice(1).map((m) => (typeof m === 'string' ? m.length : m)), Array.from({ length: 300 }, (_, i) => ((i + 1) % 2 ? 60_000 : i + 1)));
  await writer.close();
  void reader;
});
