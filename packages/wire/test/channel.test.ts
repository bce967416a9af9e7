// Channel over real Unix sockets: ordering, batching, backpressure, and what a
// broken peer does to one channel (and not to the others).
import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { Duplex, PassThrough } from 'node:stream';
import {
  Channel,
  ChannelClosedError,
  EncodeError,
  FRAME_HEADER_BYTES,
  FrameDecodeError,
  FrameTooLargeError,
  FrameTruncatedError,
  MultiprocError,
  ProtocolError,
  Codec,
} from '@multiproc/wire';

/** Bounds a test that would otherwise hang; never a claim about speed. */
const HANG = { timeout: 30_000 };

let dir: string;
let server: net.Server;
let socketPath: string;
/** Connections accepted by `server`, in order, not yet claimed by `connect()`. */
const accepted: net.Socket[] = [];
const acceptWaiters: Array<(socket: net.Socket) => void> = [];

before(async () => {
  dir = mkdtempSync(os.tmpdir() + '/wire-');
  socketPath = join(dir, 'channel.sock');
  server = net.createServer((socket) => {
    const waiter = acceptWaiters.shift();
    if (waiter) waiter(socket);
    else accepted.push(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, resolve);
  });
});

after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

/**
 * A connected pair of sockets: `client` (connected to the server) and `remote`
 * (the server's end of the same connection). Both are destroyed when the test ends.
 */
async function connect(t: TestContext): Promise<{ client: net.Socket; remote: net.Socket }> {
  const remote = new Promise<net.Socket>((resolve) => {
    const ready = accepted.shift();
    if (ready) resolve(ready);
    else acceptWaiters.push(resolve);
  });
  const client = net.connect(socketPath);
  await new Promise<void>((resolve, reject) => {
    client.once('connect', resolve);
    client.once('error', reject);
  });
  const pair = { client, remote: await remote };
  t.after(() => {
    pair.client.destroy();
    pair.remote.destroy();
  });
  return pair;
}

/** Collects a channel's messages and its close; `received(n)` resolves once n messages are in. */
function inbox<T = unknown>() {
  const messages: T[] = [];
  const closes: Array<Error | undefined> = [];
  let countWaiter: { n: number; resolve: () => void } | undefined;
  let closeWaiter: ((error: Error | undefined) => void) | undefined;
  return {
    messages,
    closes,
    onMessage: (message: T) => {
      messages.push(message);
      if (countWaiter && messages.length >= countWaiter.n) countWaiter.resolve();
    },
    onClose: (error: Error | undefined) => {
      closes.push(error);
      closeWaiter?.(error);
    },
    received(n: number): Promise<void> {
      if (messages.length >= n) return Promise.resolve();
      return new Promise((resolve) => (countWaiter = { n, resolve }));
    },
    closed(): Promise<Error | undefined> {
      if (closes.length > 0) return Promise.resolve(closes[0]);
      return new Promise((resolve) => (closeWaiter = resolve));
    },
  };
}

/** A Channel on each end of a fresh connection. */
async function channelPair<AtoB = unknown, BtoA = unknown>(t: TestContext, options: { highWaterMark?: number } = {}) {
  const { client, remote } = await connect(t);
  const aBox = inbox<BtoA>();
  const bBox = inbox<AtoB>();
  const a = new Channel<BtoA, AtoB>(client, { name: 'a', ...options, onMessage: aBox.onMessage, onClose: aBox.onClose });
  const b = new Channel<AtoB, BtoA>(remote, { name: 'b', onMessage: bBox.onMessage, onClose: bBox.onClose });
  return { a, b, aBox, bBox, client, remote };
}

/** Deterministic pseudo-random bytes (mulberry32), so a failure can be replayed. */
function randomBytes(seed: number, length: number): Buffer {
  const out = Buffer.alloc(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    out[i] = ((x ^ (x >>> 14)) >>> 0) & 0xff;
  }
  return out;
}

const macrotask = () => new Promise<void>((resolve) => setImmediate(resolve));

test('messages arrive in order, in both directions, with their types intact', HANG, async (t) => {
  const { a, b, aBox, bBox } = await channelPair(t);
  const sent: unknown[] = [];
  for (let i = 0; i < 200; i++) {
    const message = i % 4 === 0 ? { seq: i, when: new Date(i), tags: new Set([i]) } : i % 4 === 1 ? [i, `s${i}`] : i % 4 === 2 ? new Map([[i, { i }]]) : `plain ${i}`;
    sent.push(message);
    a.send(message);
  }
  await bBox.received(200);
  assert.deepEqual(bBox.messages, sent);
  b.send('reply 1');
  b.send(new RangeError('reply 2'));
  await aBox.received(2);
  assert.equal(aBox.messages[0], 'reply 1');
  assert.ok(aBox.messages[1] instanceof RangeError);
  assert.equal(a.counters.messagesOut, 200);
  assert.equal(b.counters.messagesIn, 200);
  assert.equal(a.counters.bytesOut, b.counters.bytesIn);
  assert.equal(a.counters.messagesIn, 2);
});

test('a message of several megabytes arrives whole (its frame spans many socket reads)', HANG, async (t) => {
  const { a, bBox } = await channelPair(t);
  const big = Buffer.from(randomBytes(1, 5 * 1024 * 1024));
  a.send({ before: true });
  a.send(big);
  a.send({ after: true });
  await bBox.received(3);
  assert.deepEqual(bBox.messages[0], { before: true });
  assert.ok(Buffer.isBuffer(bBox.messages[1]));
  assert.ok(big.equals(bBox.messages[1] as Buffer));
  assert.deepEqual(bBox.messages[2], { after: true });
});

test('binary messages of every size keep their bytes after later reads (the reads never reuse memory a message points into)', HANG, async (t) => {
  const { a, bBox } = await channelPair(t);
  const sizes = [1, 100, 4000, 30_000, 64 * 1024 - 16, 64 * 1024, 70_000, 1024 * 1024 + 3, 7, 20_000];
  const sent = sizes.flatMap((size, i) => [randomBytes(i + 1, size), { n: i, bytes: randomBytes(100 + i, size % 5000) }]);
  for (let round = 0; round < 3; round++) for (const message of sent) a.send(message);
  await bBox.received(sent.length * 3);
  // Checked only once everything arrived: a message decoded early must not have been overwritten since.
  for (let i = 0; i < sent.length * 3; i++) assert.deepEqual(bBox.messages[i], sent[i % sent.length], `message ${i}`);
});

test('readBytesInto(target): the next large bytes message that comes through the socket is read into target itself, once; other messages as before', HANG, async (t) => {
  const { a, b, bBox } = await channelPair(t);
  // Over 2 MiB: through the socket, not the shared-memory ring (where a Pipe reads into the target in its own way).
  const target = Buffer.alloc(4 * 1024 * 1024, 0xee);
  b.readBytesInto(target);
  a.send({ before: true }); // small: arrives as usual, and leaves the target armed
  const first = randomBytes(11, 3 * 1024 * 1024);
  const second = randomBytes(12, 2.5 * 1024 * 1024);
  await a.sendBuffer(first);
  a.send(second); // a Buffer sent with send() is the same msgpack bytes
  await bBox.received(3);
  assert.deepEqual(bBox.messages[0], { before: true });
  const placed = bBox.messages[1] as Buffer;
  assert.equal(placed.buffer, target.buffer, 'delivered as a view of target');
  assert.equal(placed.byteOffset, target.byteOffset);
  assert.ok(placed.equals(first));
  const after = bBox.messages[2] as Buffer;
  assert.notEqual(after.buffer, target.buffer, 'only the next one');
  assert.ok(after.equals(second));
  assert.ok(target.subarray(first.length).every((x) => x === 0xee));
});

test('readBytesInto(undefined) in the middle of a message being read into the target: not one more byte lands there, and the message arrives whole', HANG, async (t) => {
  const { client: raw, remote } = await connect(t);
  const box = inbox();
  const channel = new Channel(remote, { name: 'reader', onMessage: box.onMessage });
  const target = Buffer.alloc(1024 * 1024, 0xee);
  channel.readBytesInto(target);
  const size = 500_000;
  const payload = randomBytes(13, size);
  const frame = Buffer.alloc(FRAME_HEADER_BYTES + 5 + size);
  frame.writeUInt32BE(5 + size, 0);
  frame[FRAME_HEADER_BYTES] = 0xc6; // msgpack bin 32
  frame.writeUInt32BE(size, FRAME_HEADER_BYTES + 1);
  payload.copy(frame, FRAME_HEADER_BYTES + 5);
  raw.write(frame.subarray(0, FRAME_HEADER_BYTES + 5 + 100_000));
  while (channel.counters.bytesIn < FRAME_HEADER_BYTES + 5 + 100_000) await macrotask();
  assert.ok(target.subarray(0, 100_000).equals(payload.subarray(0, 100_000)), 'the first part went into the target');
  // The socket's next read was already aimed into the target when its last read returned: it must be aimed elsewhere now.
  channel.readBytesInto(undefined);
  const snapshot = Buffer.from(target);
  raw.write(frame.subarray(FRAME_HEADER_BYTES + 5 + 100_000));
  await box.received(1);
  assert.ok(target.equals(snapshot), 'nothing written into the target after it was let go');
  assert.ok((box.messages[0] as Buffer).equals(payload), 'the message is whole');
});

test('bytes a socket had already read before its Channel was made are delivered first, then the rest', HANG, async (t) => {
  const { client, remote } = await connect(t);
  const remoteSide = new Channel(remote, { name: 'remote', onMessage: () => {} });
  remoteSide.send({ early: 1 });
  remoteSide.send({ early: 2 });
  // Reading, not consuming: the stream buffers what it reads until someone takes it.
  client.on('readable', () => {});
  client.pause();
  while (client.readableLength === 0) await macrotask();
  client.removeAllListeners('readable');
  const box = inbox();
  new Channel(client, { name: 'late', onMessage: box.onMessage, onClose: box.onClose });
  const big = randomBytes(5, 300_000);
  remoteSide.send(big);
  remoteSide.send({ late: 3 });
  await box.received(4);
  assert.deepEqual(box.messages.slice(0, 2), [{ early: 1 }, { early: 2 }]);
  assert.ok(big.equals(box.messages[2] as Buffer));
  assert.deepEqual(box.messages[3], { late: 3 });
});

test('a Channel over a stream that is not a socket reads its data events: messages large and small arrive whole', HANG, async () => {
  const toB = new PassThrough();
  const toA = new PassThrough();
  const aBox = inbox();
  const bBox = inbox();
  const a = new Channel(Duplex.from({ readable: toA, writable: toB }), { name: 'a', onMessage: aBox.onMessage });
  new Channel(Duplex.from({ readable: toB, writable: toA }), { name: 'b', onMessage: bBox.onMessage });
  const big = randomBytes(9, 200_000);
  a.send({ small: true });
  a.send(big);
  a.send('last');
  await bBox.received(3);
  assert.deepEqual(bBox.messages[0], { small: true });
  assert.ok(big.equals(bBox.messages[1] as Buffer));
  assert.equal(bBox.messages[2], 'last');
  a.destroy();
});

test('10 000 sends in one synchronous loop cost at most 3 socket writes, and all arrive in order', HANG, async (t) => {
  const { client, remote } = await connect(t);
  let writes = 0;
  const write = client.write;
  client.write = function (this: net.Socket, ...args: unknown[]) {
    writes++;
    return (write as (...a: unknown[]) => boolean).apply(this, args);
  } as typeof client.write;
  const box = inbox<{ i: number }>();
  const sender = new Channel(client, { onMessage: () => {} });
  new Channel(remote, { onMessage: box.onMessage, onClose: box.onClose });

  for (let i = 0; i < 10_000; i++) sender.send({ i });
  assert.equal(sender.counters.messagesOut, 10_000);
  assert.equal(writes, 0, 'nothing is written during the loop itself');

  await box.received(10_000);
  assert.ok(writes >= 1 && writes <= 3, `${writes} socket writes`);
  assert.equal(box.messages.length, 10_000);
  assert.ok(box.messages.every((message, i) => message.i === i), 'in order');
  assert.equal(sender.counters.bytesOut, client.bytesWritten);
});

test('sendNow() writes at once, in the call, with what was queued before it; send() waits for the end of the tick', HANG, async (t) => {
  const { client, remote } = await connect(t);
  const box = inbox<number>();
  const sender = new Channel<number, number>(client, { onMessage: () => {} });
  new Channel(remote, { onMessage: box.onMessage, onClose: box.onClose });
  sender.send(1);
  assert.equal(client.bytesWritten, 0, 'send() alone writes nothing yet');
  assert.equal(sender.sendNow(2), true);
  const written = client.bytesWritten;
  assert.equal(written, sender.counters.bytesOut, 'both messages written by sendNow()');
  sender.send(3);
  assert.equal(client.bytesWritten, written);
  await box.received(3);
  assert.deepEqual(box.messages, [1, 2, 3]);
  sender.destroy();
});

test('a journal record torn by its writer\'s death (the rest of it stale bytes) is not delivered: the frames before it are', HANG, async (t) => {
  const { client, remote } = await connect(t);
  const dir = mkdtempSync(join(os.tmpdir(), 'multiproc-test-torn-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const journal = join(dir, 'journal');
  const copy = join(dir, 'as-left');
  const sender = new Channel<{ i: number; fill: string }, never>(client, { onMessage: () => {}, highWaterMark: 1 << 30 });
  sender.keepJournal(journal);
  const box = inbox<{ i: number; fill: string }>();
  const reader = new Channel(remote, { onMessage: box.onMessage, onClose: box.onClose });
  reader.recoverFrom(copy);
  reader.pause(); // the kernel's buffer fills; the rest waits in the sender's stream, and in its journal
  const fill = (i: number) => String.fromCharCode(97 + (i % 26)).repeat(3000);
  const count = 300;
  for (let i = 0; i < count; i++) sender.send({ i, fill: fill(i) });
  await new Promise((resolve) => setImmediate(resolve));
  assert.ok(client.writableLength > 0, 'frames wait in the stream');
  // The writer "dies" mid-record: the last record's header and first bytes are new, the rest are an older record's.
  const data = readFileSync(journal);
  const endOfLast = data.length - 12; // the end mark follows the last record
  data.fill(0x7a, endOfLast - 100, endOfLast);
  writeFileSync(copy, data);
  client.destroy();
  reader.resume();
  assert.equal(await box.closed(), undefined);
  assert.equal(box.messages.length, count - 1, 'every message but the torn one');
  box.messages.forEach((message, i) => assert.deepEqual(message, { i, fill: fill(i) }));
});

test('a journal recovers small frames of every size around the copy thresholds (64 and 256 bytes), numbers and tuples too, in order', HANG, async (t) => {
  const { client, remote } = await connect(t);
  const dir = mkdtempSync(join(os.tmpdir(), 'multiproc-test-small-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const journal = join(dir, 'journal');
  const copy = join(dir, 'as-left');
  const sender = new Channel<unknown, never>(client, { onMessage: () => {}, highWaterMark: 1 << 30 });
  sender.keepJournal(journal);
  const box = inbox<unknown>();
  const reader = new Channel(remote, { onMessage: box.onMessage, onClose: box.onClose });
  reader.recoverFrom(copy);
  reader.pause(); // the kernel's buffer fills; the rest waits in the sender's stream, and in its journal
  const messages: unknown[] = [];
  for (let round = 0; round < 40; round++) {
    for (let size = 0; size < 300; size += 7) messages.push('s'.repeat(size), [5, round, 'v'.repeat(size), size], round * 1000 + size);
  }
  for (const message of messages) sender.send(message);
  await new Promise((resolve) => setImmediate(resolve));
  assert.ok(client.writableLength > 0, 'frames wait in the stream');
  writeFileSync(copy, readFileSync(journal)); // the journal as a SIGKILLed writer leaves it (a live one removes it on close)
  client.destroy(); // what the stream held is only in the journal
  reader.resume();
  assert.equal(await box.closed(), undefined);
  assert.deepEqual(box.messages, messages);
});

test('batch buffers are reused only once the kernel has their bytes: one send a tick to a peer that stops reading, then resumes, all arrive intact', HANG, async (t) => {
  const { client, remote } = await connect(t);
  const box = inbox<{ i: number; fill: string }>();
  const sender = new Channel(client, { onMessage: () => {} });
  remote.pause(); // the kernel's buffer fills, and the writes after that wait in the stream with their batch buffers
  const count = 600;
  for (let i = 0; i < count; i++) {
    sender.send({ i, fill: String.fromCharCode(97 + (i % 26)).repeat(1000) });
    await new Promise((resolve) => setImmediate(resolve)); // one flush (one batch) per send
  }
  assert.ok(client.writableLength > 0, 'some batches wait in the stream');
  new Channel(remote, { onMessage: box.onMessage, onClose: box.onClose });
  remote.resume();
  await box.received(count);
  box.messages.forEach((message, i) => {
    assert.equal(message.i, i);
    assert.equal(message.fill, String.fromCharCode(97 + (i % 26)).repeat(1000), `message ${i} intact`);
  });
  sender.destroy();
});

test('send() returns false once more than highWaterMark bytes are queued to a peer that does not read, and drained() resolves after it resumes', HANG, async (t) => {
  const highWaterMark = 64 * 1024;
  const { a, b, bBox, client, remote } = await channelPair<string>(t, { highWaterMark });
  remote.pause(); // the peer stops reading: the kernel's buffers fill, then ours
  const payload = 'p'.repeat(1000);
  const frameBytes = FRAME_HEADER_BYTES + new Codec().encode(payload).length;
  const queued = (sends: number) => client.writableLength + (sends * frameBytes - a.counters.bytesOut);

  let sends = 0;
  let accepted = true;
  while (accepted) {
    accepted = a.send(payload);
    sends++;
    if (accepted) {
      assert.ok(queued(sends) <= highWaterMark, `send ${sends} returned true with ${queued(sends)} bytes queued`);
      if (sends % 16 === 0) await macrotask(); // let batches reach the socket
    }
    assert.ok(sends < 100_000, 'the peer does not read, so send() must return false eventually');
  }
  const queuedWhenRefused = queued(sends);
  assert.ok(queuedWhenRefused > highWaterMark, `${queuedWhenRefused} bytes queued`);
  assert.ok(queuedWhenRefused <= highWaterMark + frameBytes, `${queuedWhenRefused} bytes queued: false as soon as the mark is passed`);
  assert.equal(a.needsDrain, true);

  let drained = false;
  const drain = a.drained().then(() => (drained = true));
  for (let i = 0; i < 5; i++) await macrotask();
  assert.equal(drained, false, 'drained() waits while the peer does not read');

  remote.resume();
  await drain;
  assert.equal(a.needsDrain, false);
  assert.equal(a.send('after drain'), true);
  await bBox.received(sends + 1);
  assert.equal(bBox.messages.length, sends + 1);
  assert.equal(bBox.messages.at(-1), 'after drain');
  assert.equal(b.counters.messagesIn, sends + 1);
});

test('drained() resolves when a burst over a small highWaterMark has been written', HANG, async (t) => {
  // A highWaterMark below the socket's own: the socket never reports backpressure for this burst.
  const { a, bBox, client } = await channelPair(t, { highWaterMark: 1000 });
  assert.ok(client.writableHighWaterMark > 1000);
  const results: boolean[] = [];
  for (let i = 0; i < 50; i++) results.push(a.send({ i, pad: 'x'.repeat(50) }));
  assert.equal(results[0], true);
  assert.equal(results.at(-1), false, 'the burst passed the mark');
  await a.drained();
  assert.equal(a.needsDrain, false);
  await bBox.received(50);
});

test('drained() resolves at once when nothing is queued', HANG, async (t) => {
  const { a } = await channelPair(t);
  assert.equal(a.needsDrain, false);
  await a.drained();
});

test('a bogus huge length prefix closes that channel with ERR_FRAME_TOO_LARGE; a channel on another connection keeps working', HANG, async (t) => {
  const victim = await connect(t);
  const victimBox = inbox();
  const victimChannel = new Channel(victim.remote, { name: 'victim', onMessage: victimBox.onMessage, onClose: victimBox.onClose });
  const healthy = await channelPair(t);

  victim.client.on('error', () => {}); // the victim hangs up on it
  victim.client.write(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x00, 0x01]));
  const error = await victimBox.closed();
  assert.ok(error instanceof FrameTooLargeError, String(error));
  assert.equal(error.code, 'ERR_FRAME_TOO_LARGE');
  assert.equal(error.length, 0xffffffff);
  assert.match(error.message, /victim/);
  assert.equal(victimChannel.closed, true);
  assert.deepEqual(victimBox.messages, []);
  assert.equal(victimBox.closes.length, 1);

  healthy.a.send('still');
  healthy.b.send('working');
  await healthy.bBox.received(1);
  await healthy.aBox.received(1);
  assert.deepEqual(healthy.bBox.messages, ['still']);
  assert.deepEqual(healthy.aBox.messages, ['working']);
  assert.equal(healthy.a.closed, false);
  assert.equal(healthy.b.closed, false);
});

test('a valid length prefix followed by undecodable bytes closes that channel with ERR_FRAME_DECODE, after the good messages before it', HANG, async (t) => {
  const victim = await connect(t);
  const victimBox = inbox();
  new Channel(victim.remote, { name: 'victim', onMessage: victimBox.onMessage, onClose: victimBox.onClose });
  const healthy = await channelPair(t);

  // Random bytes without 0xc1 that no fresh decoder accepts as one msgpack value.
  const garbage = randomBytes(7, 64).map((byte) => (byte === 0xc1 ? 0 : byte));
  assert.throws(() => new Codec().decode(garbage, 'precondition'), { code: 'ERR_FRAME_DECODE' });
  const good = new Codec().encode({ fine: 1 });
  const frames = Buffer.alloc(2 * FRAME_HEADER_BYTES + good.length + garbage.length);
  frames.writeUInt32BE(good.length, 0);
  frames.set(good, FRAME_HEADER_BYTES);
  frames.writeUInt32BE(garbage.length, FRAME_HEADER_BYTES + good.length);
  frames.set(garbage, 2 * FRAME_HEADER_BYTES + good.length);

  victim.client.on('error', () => {});
  victim.client.write(frames);
  const error = await victimBox.closed();
  assert.ok(error instanceof FrameDecodeError, String(error));
  assert.equal(error.code, 'ERR_FRAME_DECODE');
  assert.deepEqual(victimBox.messages, [{ fine: 1 }]);

  healthy.a.send({ after: 'the other channel died' });
  await healthy.bBox.received(1);
  assert.deepEqual(healthy.bBox.messages, [{ after: 'the other channel died' }]);
});

test('random bytes on a channel’s socket always close it with a coded multiproc error', HANG, async (t) => {
  const healthy = await channelPair(t);
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    const victim = await connect(t);
    const box = inbox();
    new Channel(victim.remote, { name: `victim ${seed}`, onMessage: box.onMessage, onClose: box.onClose });
    victim.client.on('error', () => {});
    victim.client.end(randomBytes(seed, 256));
    const error = await box.closed();
    assert.ok(error instanceof MultiprocError, `seed ${seed}: ${String(error)}`);
    assert.ok(['ERR_FRAME_DECODE', 'ERR_PROTOCOL', 'ERR_FRAME_TOO_LARGE', 'ERR_FRAME_TRUNCATED'].includes(error.code), `seed ${seed}: ${error.code}`);
    assert.equal(box.closes.length, 1);
  }
  healthy.b.send('alive');
  await healthy.aBox.received(1);
  assert.deepEqual(healthy.aBox.messages, ['alive']);
});

test('a message the receiver rejects with ProtocolError closes the channel with ERR_PROTOCOL', HANG, async (t) => {
  const { client, remote } = await connect(t);
  const box = inbox();
  const seen: unknown[] = [];
  new Channel<{ t: string }>(remote, {
    onMessage: (message) => {
      if (message.t !== 'ping') throw new ProtocolError(`unexpected message ${JSON.stringify(message)}`);
      seen.push(message);
    },
    onClose: box.onClose,
  });
  const sender = new Channel(client, { onMessage: () => {} });
  sender.send({ t: 'ping' });
  sender.send({ t: 'bogus' });
  sender.send({ t: 'ping' });
  const error = await box.closed();
  assert.ok(error instanceof ProtocolError);
  assert.equal(error.code, 'ERR_PROTOCOL');
  assert.deepEqual(seen, [{ t: 'ping' }], 'nothing is delivered after the bad message');
});

test('the peer closing in the middle of a frame closes the channel with ERR_FRAME_TRUNCATED', HANG, async (t) => {
  for (const cut of [2, FRAME_HEADER_BYTES + 3]) {
    const { client, remote } = await connect(t);
    const box = inbox();
    new Channel(remote, { name: 'reader', onMessage: box.onMessage, onClose: box.onClose });
    const payload = new Codec().encode({ text: 'never finished' });
    const frame = Buffer.alloc(FRAME_HEADER_BYTES + payload.length);
    frame.writeUInt32BE(payload.length, 0);
    frame.set(payload, FRAME_HEADER_BYTES);
    const whole = new Codec().encode('complete');
    const first = Buffer.alloc(FRAME_HEADER_BYTES + whole.length);
    first.writeUInt32BE(whole.length, 0);
    first.set(whole, FRAME_HEADER_BYTES);
    client.end(Buffer.concat([first, frame.subarray(0, cut)]));
    const error = await box.closed();
    assert.ok(error instanceof FrameTruncatedError, `cut at ${cut}: ${String(error)}`);
    assert.equal(error.code, 'ERR_FRAME_TRUNCATED');
    assert.deepEqual(box.messages, ['complete']);
  }
});

test('a clean close by the peer gives onClose(undefined) exactly once on both sides', HANG, async (t) => {
  const { a, b, aBox, bBox } = await channelPair(t);
  a.send('last words');
  await a.close();
  assert.equal(await bBox.closed(), undefined);
  assert.deepEqual(bBox.messages, ['last words']);
  assert.deepEqual(aBox.closes, [undefined]);
  assert.deepEqual(bBox.closes, [undefined]);
  assert.equal(a.closed, true);
  assert.equal(b.closed, true);
  await a.close(); // closing again is a no-op
  assert.equal(aBox.closes.length, 1);
});

test('send() after close throws ChannelClosedError ERR_CHANNEL_CLOSED, and drained() rejects with it', HANG, async (t) => {
  const { a, b, bBox } = await channelPair(t);
  await a.close();
  const isClosed = (err: unknown) => {
    assert.ok(err instanceof ChannelClosedError);
    assert.equal(err.code, 'ERR_CHANNEL_CLOSED');
    assert.match(err.message, /\ba\b/);
    return true;
  };
  assert.throws(() => a.send('too late'), isClosed);
  await assert.rejects(a.drained(), isClosed);
  // The other side was closed by its peer.
  await bBox.closed();
  assert.throws(() => b.send('too late'), { code: 'ERR_CHANNEL_CLOSED' });
});

test('send() while close() is still in progress throws ERR_CHANNEL_CLOSED and the close stays clean', HANG, async (t) => {
  const { a, aBox, bBox } = await channelPair(t);
  a.send('before close');
  const closing = a.close();
  assert.throws(() => a.send('during close'), (err: unknown) => err instanceof ChannelClosedError && err.code === 'ERR_CHANNEL_CLOSED');
  await closing;
  assert.deepEqual(aBox.closes, [undefined]);
  assert.equal(await bBox.closed(), undefined);
  assert.deepEqual(bBox.messages, ['before close']);
});

test('send() after a channel was destroyed with an error throws ERR_CHANNEL_CLOSED with that error as cause', HANG, async (t) => {
  const { a, aBox, bBox } = await channelPair(t);
  const reason = new Error('gave up');
  a.destroy(reason);
  assert.deepEqual(aBox.closes, [reason]);
  assert.throws(() => a.send('x'), (err: unknown) => err instanceof ChannelClosedError && err.cause === reason);
  await bBox.closed();
});

test('a value that cannot be encoded makes send() throw ERR_ENCODE; nothing is sent and the channel stays usable', HANG, async (t) => {
  const { a, b, bBox } = await channelPair(t);
  a.send('first');
  assert.throws(
    () => a.send({ callback: () => 'functions do not cross processes' }),
    (err: unknown) => err instanceof EncodeError && err.code === 'ERR_ENCODE',
  );
  assert.throws(() => a.send([Symbol('nor do symbols')]), { code: 'ERR_ENCODE' });
  assert.equal(a.counters.messagesOut, 1);
  assert.equal(a.closed, false);
  a.send({ second: new Map([[1, 2]]) });
  await bBox.received(2);
  assert.deepEqual(bBox.messages, ['first', { second: new Map([[1, 2]]) }]);
  assert.equal(b.counters.messagesIn, 2);
  assert.equal(b.closed, false);
});

test('a message that encodes to more than maxFrameBytes makes send() throw ERR_FRAME_TOO_LARGE, and sendBuffer() reject with it; nothing is sent and the channel stays usable', HANG, async (t) => {
  const { client, remote } = await connect(t);
  const box = inbox();
  const a = new Channel(client, { name: 'a', maxFrameBytes: 1000, onMessage: () => {} });
  const b = new Channel(remote, { name: 'b', maxFrameBytes: 1000, onMessage: box.onMessage, onClose: box.onClose });
  t.after(() => {
    a.destroy();
    b.destroy();
  });
  a.send({ first: 1 });
  // A new record shape in the refused message: the encoder must not expect the peer to know it.
  assert.throws(
    () => a.send({ shape: 'new', text: 'x'.repeat(2000) }),
    (err: unknown) => err instanceof FrameTooLargeError && err.code === 'ERR_FRAME_TOO_LARGE' && err.limit === 1000 && /a: send\(\).*nothing was sent/.test(err.message),
  );
  assert.equal(a.counters.messagesOut, 1);
  await assert.rejects(a.sendBuffer(Buffer.alloc(996)), { code: 'ERR_FRAME_TOO_LARGE', length: 1001, limit: 1000 });
  a.send({ shape: 'new', text: 'fits' });
  a.send({ shape: 'again', text: 'fits' });
  await a.sendBuffer(Buffer.alloc(995));
  await box.received(4);
  assert.deepEqual(box.messages, [{ first: 1 }, { shape: 'new', text: 'fits' }, { shape: 'again', text: 'fits' }, Buffer.alloc(995)]);
  assert.equal(b.closed, false);
});

test('close() flushes every queued message before ending the stream', HANG, async (t) => {
  const { a, bBox } = await channelPair(t);
  for (let i = 0; i < 5000; i++) a.send({ i, text: `message ${i}` });
  const closing = a.close(); // same tick: nothing has been written yet
  await closing;
  assert.equal(await bBox.closed(), undefined);
  assert.equal(bBox.messages.length, 5000);
  assert.ok((bBox.messages as Array<{ i: number }>).every((message, i) => message.i === i));
});

test('await using closes the channel at the end of the block, after flushing', HANG, async (t) => {
  const { client, remote } = await connect(t);
  const box = inbox();
  const peer = new Channel(remote, { onMessage: box.onMessage, onClose: box.onClose });
  let escaped: Channel | undefined;
  {
    await using channel = new Channel(client, { onMessage: () => {} });
    escaped = channel;
    channel.send('sent inside the block');
  }
  assert.equal(escaped.closed, true);
  assert.throws(() => escaped!.send('x'), { code: 'ERR_CHANNEL_CLOSED' });
  assert.equal(await box.closed(), undefined);
  assert.deepEqual(box.messages, ['sent inside the block']);
  assert.equal(peer.closed, true);
});

test('Symbol.asyncDispose is close(): it flushes, ends, and resolves once closed', HANG, async (t) => {
  const { a, aBox, bBox } = await channelPair(t);
  a.send(1);
  a.send(2);
  await a[Symbol.asyncDispose]();
  assert.equal(a.closed, true);
  assert.deepEqual(aBox.closes, [undefined]);
  await bBox.closed();
  assert.deepEqual(bBox.messages, [1, 2]);
});

test('sendBuffer() writes large bytes without a copy: they arrive as a Buffer, in order with send()', async (t) => {
  const { client, remote } = await connect(t);
  const got = inbox<unknown>();
  const sender = new Channel(client, { onMessage: () => {} });
  new Channel(remote, { onMessage: got.onMessage });
  const big = Buffer.alloc(1024 * 1024, 3);
  sender.send({ before: 1 });
  const written = sender.sendBuffer(big);
  sender.send({ after: 2 });
  await written;
  await got.received(3);
  assert.deepEqual(got.messages[0], { before: 1 });
  assert.ok(Buffer.isBuffer(got.messages[1]) && (got.messages[1] as Buffer).equals(big));
  assert.deepEqual(got.messages[2], { after: 2 });
});

test('sendBuffer() rejects with ERR_CHANNEL_CLOSED when the channel is destroyed before the bytes are written', async (t) => {
  const { client, remote } = await connect(t);
  remote.pause(); // the peer reads nothing: most of 32 MiB stays queued
  const sender = new Channel(client, { onMessage: () => {}, onClose: () => {} });
  const written = sender.sendBuffer(Buffer.alloc(32 * 1024 * 1024));
  await new Promise((resolve) => setTimeout(resolve, 50));
  sender.destroy();
  await assert.rejects(written, { code: 'ERR_CHANNEL_CLOSED' });
});

// ── A peer that left: what it sent is read to the end, however this side learns it left ──

/** One length-prefixed frame around `payload`. */
function lengthPrefixed(payload: Uint8Array): Buffer {
  const out = Buffer.alloc(FRAME_HEADER_BYTES + payload.length);
  out.writeUInt32BE(payload.length, 0);
  out.set(payload, FRAME_HEADER_BYTES);
  return out;
}

/**
 * A peer writes `bytes` and goes; this side had paused reading (as a Connection does with 256 unread messages) and
 * then either resumes reading, or sends (the write fails: EPIPE). Resolves with what arrived and the close error's code.
 */
async function peerLeft(t: TestContext, bytes: Buffer, how: 'resume' | 'send', onMessage: (message: unknown) => void = () => {}) {
  const { client: peer, remote } = await connect(t);
  const got: unknown[] = [];
  let closed!: (error: Error | undefined) => void;
  const whenClosed = new Promise<Error | undefined>((resolve) => (closed = resolve));
  const channel = new Channel(remote, {
    name: 'reader',
    onMessage: (message) => {
      onMessage(message);
      got.push(message);
    },
    onClose: (error) => closed(error),
  });
  channel.pause();
  peer.write(bytes);
  await new Promise((resolve) => setTimeout(resolve, 50));
  peer.destroy();
  await new Promise((resolve) => setTimeout(resolve, 50));
  if (how === 'resume') channel.resume();
  else channel.send('anyone there?');
  const error = await whenClosed;
  return { got, code: error && ((error as { code?: string }).code ?? error.message) };
}

test('a peer that left: bytes that do not decode close the channel with ERR_FRAME_DECODE whether this side reads or writes first', HANG, async (t) => {
  const codec = new Codec();
  const bytes = Buffer.concat([lengthPrefixed(codec.encode('a')), Buffer.from([0, 0, 0, 2, 0x92, 0x01]), lengthPrefixed(codec.encode('b'))]);
  const read = await peerLeft(t, bytes, 'resume');
  const wrote = await peerLeft(t, bytes, 'send');
  assert.equal(read.code, 'ERR_FRAME_DECODE');
  assert.deepEqual(wrote, read);
});

test('a peer that left: onMessage throwing closes the channel with that error whether this side reads or writes first', HANG, async (t) => {
  const codec = new Codec();
  const bytes = Buffer.concat(['a', 'bad', 'b'].map((m) => lengthPrefixed(codec.encode(m))));
  const throwOnBad = (message: unknown) => {
    if (message === 'bad') throw new Error('handler threw');
  };
  const read = await peerLeft(t, bytes, 'resume', throwOnBad);
  const wrote = await peerLeft(t, bytes, 'send', throwOnBad);
  assert.equal(read.code, 'handler threw');
  assert.deepEqual(wrote, read);
});
