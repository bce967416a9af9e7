// A Channel over a socket whose reads arrive as 'data' events: the fallback where Node's onread (reading into buffers
// the frame decoder chooses, src/read-into.ts) is not to be had. Its own file: that is found out once per process, by
// the first Channel, so this one must be the first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Channel, Codec, FRAME_HEADER_BYTES } from '@multiproc/wire';
import { socketPair } from './helpers/socket-pair.js';

const lengthPrefixed = (payload: Uint8Array): Buffer => {
  const out = Buffer.alloc(FRAME_HEADER_BYTES + payload.length);
  out.writeUInt32BE(payload.length, 0);
  out.set(payload, FRAME_HEADER_BYTES);
  return out;
};

test("a peer that left, read with 'data' events: a send that fails still delivers every message, in order (what the paused stream holds first)", { timeout: 30_000 }, async (t) => {
  const [peer, remote] = await socketPair(t);
  // As in a runtime without Node's onread: the channel's probe finds none of its symbols.
  const original = Object.getOwnPropertySymbols;
  Object.getOwnPropertySymbols = (o: object) => original(o).filter((symbol) => symbol.description !== 'kBuffer');
  const got: number[] = [];
  let closed!: (error: Error | undefined) => void;
  const whenClosed = new Promise<Error | undefined>((resolve) => (closed = resolve));
  let channel: Channel<{ i: number }, string>;
  try {
    channel = new Channel<{ i: number }, string>(remote, { name: 'reader', onMessage: (m) => got.push(m.i), onClose: (error) => closed(error) });
  } finally {
    Object.getOwnPropertySymbols = original;
  }
  channel.pause(); // the stream holds what it read: it must come before what is still in the kernel
  const codec = new Codec();
  const n = 3000;
  peer.write(Buffer.concat(Array.from({ length: n }, (_, i) => lengthPrefixed(codec.encode({ i, pad: 'x'.repeat(40) })))));
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.ok(remote.readableLength > 0, "the paused stream holds bytes it read (else this test tests nothing)");
  peer.destroy();
  await new Promise((resolve) => setTimeout(resolve, 50));
  channel.send('anyone there?');
  assert.equal(await whenClosed, undefined);
  assert.deepEqual(got, Array.from({ length: n }, (_, i) => i));
});
