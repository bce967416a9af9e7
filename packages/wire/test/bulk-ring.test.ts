// The bulk ring: large bytes messages beside the socket, through a file in /dev/shm (see src/bulk-ring.ts).
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { pack } from 'msgpackr';
import { BulkMessage, Channel, FRAME_HEADER_BYTES, sweepSocketDirs } from '@multiproc/wire';
import { socketPair } from './helpers/socket-pair.js';

/** Bounds a test that would otherwise hang; never a claim about speed. */
const HANG = { timeout: 30_000 };
const MIB = 1024 * 1024;
/** The rings need shared memory; elsewhere the socket carries everything (and these tests have nothing to check). */
const SHM = existsSync('/dev/shm') ? false : 'no /dev/shm on this machine: the bulk ring is not used';

/** A writer Channel and a reader Channel (deferBulk as given) with the reader's messages collected. */
async function pair(t: TestContext, deferBulk: boolean) {
  const [a, b] = await socketPair(t);
  const got: unknown[] = [];
  const closes: Array<Error | undefined> = [];
  let wake: (() => void) | undefined;
  const writer = new Channel(a, { name: 'writer', onMessage: () => {} });
  const reader = new Channel(b, {
    name: 'reader',
    deferBulk,
    onMessage: (message) => {
      got.push(message);
      wake?.();
    },
    onClose: (error) => closes.push(error),
  });
  const received = async (n: number) => {
    while (got.length < n) await new Promise<void>((resolve) => (wake = resolve));
  };
  return { writer, reader, got, closes, received };
}

/** `size` bytes of a pattern that differs with `seed`. */
const pattern = (size: number, seed: number) => Buffer.from(Array.from({ length: size }, (_, i) => (i * 7 + seed) % 251));

/** This process's ring directories in /dev/shm. */
const myRings = () => readdirSync('/dev/shm').filter((name) => name.startsWith(`multiproc-bulk-${process.pid}-`));

test('bytes of up to 2 MiB go through the ring, the stream carries only where they are, and they arrive in order with the other messages', { ...HANG, skip: SHM }, async (t) => {
  const { writer, reader, got, received } = await pair(t, false);
  const buffer = Buffer.alloc(MIB);
  const sent: Buffer[] = [];
  for (let i = 0; i < 6; i++) {
    writer.send({ before: i });
    buffer.fill(i); // the same buffer each time: reusing it once sendBuffer resolved changes nothing received
    sent.push(Buffer.from(buffer));
    await writer.sendBuffer(buffer);
  }
  const big = pattern(3 * MIB, 9); // over 2 MiB: through the socket
  await writer.sendBuffer(big);
  writer.send('last');
  await received(14);
  for (let i = 0; i < 6; i++) {
    assert.deepEqual(got[2 * i], { before: i });
    assert.ok(sent[i]!.equals(got[2 * i + 1] as Buffer), `message ${i}`);
  }
  assert.ok(big.equals(got[12] as Buffer));
  assert.equal(got[13], 'last');
  assert.equal(writer.counters.ringBytesOut, 6 * MIB);
  assert.equal(reader.counters.ringBytesIn, 6 * MIB);
  const socketBytes = reader.counters.bytesIn - reader.counters.ringBytesIn;
  assert.ok(socketBytes < 3 * MIB + 4096, `the socket carried ${socketBytes} bytes: the 3 MiB message and small frames`);
  await writer.close();
  assert.deepEqual(myRings(), [], 'the ring is gone once the connection is over');
});

test('deferBulk: a ring message arrives unread, and is read once, where the receiver says', { ...HANG, skip: SHM }, async (t) => {
  const { writer, got, received } = await pair(t, true);
  const message = pattern(300_000, 1);
  await writer.sendBuffer(message);
  await received(1);
  const bulk = got[0] as BulkMessage;
  assert.ok(bulk instanceof BulkMessage);
  assert.equal(bulk.length, message.length);
  const into = Buffer.alloc(400_000, 0xee);
  const view = bulk.readInto(into);
  assert.equal(view.buffer, into.buffer);
  assert.ok(view.equals(message));
  assert.ok(into.subarray(message.length).every((x) => x === 0xee));
  assert.throws(() => bulk.read(), { code: 'ERR_INVALID_STATE' });
  await writer.sendBuffer(message);
  await received(2);
  assert.throws(() => (got[1] as BulkMessage).readInto(Buffer.alloc(10)), { code: 'ERR_INVALID_ARGUMENT' });
  assert.ok((got[1] as BulkMessage).read().equals(message));
  await writer.close();
});

test('a writer that finds the ring full waits, in order; a reader that has not read since moves its unread messages out of the ring, and everything arrives intact', { ...HANG, skip: SHM }, async (t) => {
  const { writer, reader, got, received } = await pair(t, true);
  // 2 MiB messages: four fill the 8 MiB ring; the fifth waits for room, and the message sent after it waits behind it.
  for (let i = 0; i < 4; i++) await writer.sendBuffer(pattern(2 * MIB, i));
  const fifth = writer.sendBuffer(pattern(2 * MIB, 4));
  assert.equal(writer.send('after the fifth'), false, 'send() says to wait while bytes wait for room');
  const sixth = writer.sendBuffer(pattern(100_000, 5));
  await Promise.all([fifth, sixth]); // nobody took anything: the reader's channel moved the four out to make room
  await received(7);
  for (let i = 0; i < 5; i++) assert.ok((got[i] as BulkMessage).read().equals(pattern(2 * MIB, i)), `message ${i}`);
  assert.equal(got[5], 'after the fifth');
  assert.ok((got[6] as BulkMessage).read().equals(pattern(100_000, 5)));
  assert.equal(reader.counters.ringBytesIn, 5 * 2 * MIB + 100_000);
  await writer.close();
});

test('ring messages read out of order give their room back in order: a message read early keeps the room of those before it', { ...HANG, skip: SHM }, async (t) => {
  const { writer, got, received } = await pair(t, true);
  for (let i = 0; i < 4; i++) await writer.sendBuffer(pattern(2 * MIB, i));
  await received(4);
  assert.ok((got[3] as BulkMessage).read().equals(pattern(2 * MIB, 3)));
  assert.ok((got[1] as BulkMessage).read().equals(pattern(2 * MIB, 1)));
  // Message 0 is unread: the writer must not get its room (nor that of 1 and 3, behind it), so nothing of 0 is overwritten.
  const more = writer.sendBuffer(pattern(2 * MIB, 9));
  await received(5);
  await more;
  assert.ok((got[0] as BulkMessage).read().equals(pattern(2 * MIB, 0)), 'message 0 intact');
  assert.ok((got[2] as BulkMessage).read().equals(pattern(2 * MIB, 2)), 'message 2 intact');
  assert.ok((got[4] as BulkMessage).read().equals(pattern(2 * MIB, 9)));
  await writer.close();
});

test('close() while bytes wait for room ends the stream once they are out; destroy() rejects them with ERR_CHANNEL_CLOSED', { ...HANG, skip: SHM }, async (t) => {
  const { writer, got, received } = await pair(t, true);
  for (let i = 0; i < 4; i++) await writer.sendBuffer(pattern(2 * MIB, i));
  const waiting = writer.sendBuffer(pattern(2 * MIB, 4));
  const closing = writer.close();
  await received(4);
  (got[0] as BulkMessage).read(); // room for the fifth: it goes out, then the stream ends
  await waiting;
  await received(5);
  for (let i = 1; i < 5; i++) assert.ok((got[i] as BulkMessage).read().equals(pattern(2 * MIB, i)));
  await closing;

  const second = await pair(t, true);
  for (let i = 0; i < 4; i++) await second.writer.sendBuffer(pattern(2 * MIB, i));
  const stuck = second.writer.sendBuffer(pattern(2 * MIB, 4));
  second.writer.destroy();
  await assert.rejects(stuck, { code: 'ERR_CHANNEL_CLOSED' });
});

test('with a send journal the ring is not used (a journal record must hold the bytes themselves)', { ...HANG, skip: SHM }, async (t) => {
  const { writer, got, received } = await pair(t, false);
  const dir = mkdtempSync(join(os.tmpdir(), 'bulk-journal-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writer.keepJournal(join(dir, 'j'));
  await writer.sendBuffer(pattern(MIB, 3));
  await received(1);
  assert.ok((got[0] as Buffer).equals(pattern(MIB, 3)));
  assert.equal(writer.counters.ringBytesOut, 0);
  await writer.close();
});

/** Bulk control frames by hand, as msgpackr writes an extension with `write`: fixext 1 (0xd4), type 13, 0, then the fields. */
function bulkFrame(fields: unknown[]): Buffer {
  const payload = Buffer.concat([Buffer.from([0xd4, 13, 0]), pack(fields)]);
  const frame = Buffer.alloc(FRAME_HEADER_BYTES + payload.length);
  frame.writeUInt32BE(payload.length, 0);
  payload.copy(frame, FRAME_HEADER_BYTES);
  return frame;
}

/** A Channel that a raw socket feeds `frames`; resolves with its close error (and what it received). */
async function victim(t: TestContext, frames: Buffer[]): Promise<{ error: Error | undefined; got: unknown[] }> {
  const [a, b] = await socketPair(t);
  const got: unknown[] = [];
  const closed = new Promise<Error | undefined>((resolve) => {
    new Channel(b, { name: 'victim', onMessage: (message) => got.push(message), onClose: resolve });
  });
  for (const frame of frames) a.write(frame);
  return { error: await closed, got };
}

test('a peer that names a ring anywhere but a ring directory of /dev/shm is refused: ERR_PROTOCOL closes that channel, and nothing is opened', { ...HANG, skip: SHM }, async (t) => {
  const { error } = await victim(t, [bulkFrame([0, '/etc/passwd', 1024])]);
  assert.equal((error as { code?: string }).code, 'ERR_PROTOCOL');
  assert.match(String(error?.message), /not where rings are made/);
});

test('a ring that is a FIFO is refused without blocking the process (it is opened without waiting, and checked)', { ...HANG, skip: SHM }, async (t) => {
  const dir = mkdtempSync('/dev/shm/multiproc-bulk-999999-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  execFileSync('mkfifo', ['-m', '600', join(dir, 'ring')]);
  const { error } = await victim(t, [bulkFrame([0, join(dir, 'ring'), 8 * MIB])]);
  assert.equal((error as { code?: string }).code, 'ERR_PROTOCOL');
  assert.match(String(error?.message), /not a private file/);
});

test('a ring directory that is a link is refused: the private file it leads to is neither read nor removed', { ...HANG, skip: SHM }, async (t) => {
  const victimDir = mkdtempSync(join(os.tmpdir(), 'bulk-victim-'));
  const link = `/dev/shm/multiproc-bulk-999998-${process.pid}`;
  writeFileSync(join(victimDir, 'ring'), Buffer.alloc(4096, 0x42), { mode: 0o600 });
  symlinkSync(victimDir, link);
  t.after(() => {
    rmSync(link, { force: true });
    rmSync(victimDir, { recursive: true, force: true });
  });
  const { error, got } = await victim(t, [bulkFrame([0, join(link, 'ring'), 4096]), bulkFrame([1, 0, 4096])]);
  assert.equal((error as { code?: string }).code, 'ERR_PROTOCOL');
  assert.match(String(error?.message), /not a private directory/);
  assert.deepEqual(got, []);
  assert.ok(existsSync(join(victimDir, 'ring')), 'the file is still there');
});

test('the sweep removes a dead writer\'s ring only once it has been left long enough (its age counts from the writer\'s exit)', { skip: SHM }, (t) => {
  // pid 2^22 + 1 is above Linux's pid_max: no such process.
  const dir = mkdtempSync('/dev/shm/multiproc-bulk-test-4194305-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'ring'), 'unread messages');
  sweepSocketDirs('multiproc-bulk-test-', '/dev/shm', 60_000);
  assert.ok(existsSync(dir), 'kept: its writer left a moment ago');
  const anHourAgo = new Date(Date.now() - 3_600_000);
  utimesSync(dir, anHourAgo, anHourAgo);
  sweepSocketDirs('multiproc-bulk-test-', '/dev/shm', 60_000);
  assert.equal(existsSync(dir), false, 'swept');
});
