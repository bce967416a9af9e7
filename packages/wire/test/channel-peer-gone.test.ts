// A peer whose socket goes away (its process died) in the middle of a frame, or with bytes of ours unread, ends the
// stream; a peer that is still there and cuts a frame short is ERR_FRAME_TRUNCATED (issue #19 item 10).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Codec, FRAME_HEADER_BYTES, Channel } from '@multiproc/wire';
import { socketPair } from './helpers/socket-pair.js';

const HANG = { timeout: 30_000 };

function frame(value: unknown): Buffer {
  const payload = new Codec().encode(value);
  const out = Buffer.alloc(FRAME_HEADER_BYTES + payload.length);
  out.writeUInt32BE(payload.length, 0);
  out.set(payload, FRAME_HEADER_BYTES);
  return out;
}

function reader(socket: import('node:net').Socket) {
  const messages: unknown[] = [];
  const closed = new Promise<Error | undefined>((resolve) => new Channel(socket, { name: 'reader', onMessage: (m) => messages.push(m), onClose: resolve }));
  return { messages, closed };
}

test('a writer whose socket is gone in the middle of a frame ends the stream: what came before is delivered, the rest dropped, no error', HANG, async (t) => {
  for (const cut of [2, FRAME_HEADER_BYTES + 3]) {
    const [client, remote] = await socketPair(t);
    const { messages, closed } = reader(remote);
    const cutShort = frame({ text: 'never finished' }).subarray(0, cut);
    client.write(Buffer.concat([frame('complete'), cutShort]), () => client.destroy());
    assert.equal(await closed, undefined, `cut at ${cut}`);
    assert.deepEqual(messages, ['complete']);
  }
});

test('a writer still there that ends its side in the middle of a frame is ERR_FRAME_TRUNCATED', HANG, async (t) => {
  const [client, remote] = await socketPair(t);
  const { messages, closed } = reader(remote);
  client.on('error', () => {});
  client.end(Buffer.concat([frame('complete'), frame('cut').subarray(0, 6)]));
  assert.equal((await closed as { code?: string } | undefined)?.code, 'ERR_FRAME_TRUNCATED');
  assert.deepEqual(messages, ['complete']);
});

test('a read that fails with ECONNRESET (the peer went with bytes of ours unread) ends the stream, with no raw error', HANG, async (t) => {
  const [client, remote] = await socketPair(t);
  const messages: unknown[] = [];
  const closed = new Promise<Error | undefined>((resolve) => new Channel(remote, { name: 'reader', onMessage: (m) => messages.push(m), onClose: resolve }));
  await new Promise((resolve) => client.write(Buffer.concat([frame(1), frame(2)]), resolve));
  while (messages.length < 2) await new Promise((resolve) => setImmediate(resolve));
  // What Node does when read() returns ECONNRESET (its onStreamRead destroys the stream with the error).
  remote.destroy(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', errno: -104, syscall: 'read' }));
  assert.equal(await closed, undefined);
  assert.deepEqual(messages, [1, 2]);
});

test('any other socket error closes the channel with ERR_CHANNEL_CLOSED, the system error as its cause', HANG, async (t) => {
  const [, remote] = await socketPair(t);
  const closed = new Promise<Error | undefined>((resolve) => new Channel(remote, { name: 'reader', onMessage: () => {}, onClose: resolve }));
  remote.destroy(Object.assign(new Error('read EIO'), { code: 'EIO', errno: -5, syscall: 'read' }));
  const error = (await closed) as Error & { code?: string; cause?: { code?: string } };
  assert.equal(error.code, 'ERR_CHANNEL_CLOSED');
  assert.equal(error.cause?.code, 'EIO');
});
