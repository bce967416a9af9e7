// FrameDecoder: splitting a byte stream into length-prefixed frames, whatever
// the chunking, without copying whole frames and without trusting the prefix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_MAX_FRAME_BYTES,
  FRAME_HEADER_BYTES,
  FrameDecoder,
  FrameTooLargeError,
  FrameTruncatedError,
  MultiprocError,
  PLACE_HEAD_BYTES,
  type FramePlacer,
} from '@multiproc/wire';

/** One frame: a 4-byte big-endian length, then the payload. */
function frame(payload: Uint8Array): Buffer {
  const out = Buffer.alloc(FRAME_HEADER_BYTES + payload.length);
  out.writeUInt32BE(payload.length, 0);
  out.set(payload, FRAME_HEADER_BYTES);
  return out;
}

/** An onFrame callback (a range of a buffer) that hands `fn` the payload as a view. */
function asPayload(fn: (payload: Buffer) => void): (source: Buffer, start: number, end: number) => void {
  return (source, start, end) => fn(source.subarray(start, end));
}

/** Payloads of varied sizes, including an empty one and one whose length has a non-zero high byte. */
const payloads: Buffer[] = [
  Buffer.from('hello'),
  Buffer.alloc(0),
  Buffer.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
  Buffer.from('x'),
  Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 7) % 256)),
  Buffer.from('the end'),
];
const stream = Buffer.concat(payloads.map(frame));

/** A decoder that copies every payload it is handed (views into a chunk may be reused by the caller). */
function collector(maxFrameBytes = DEFAULT_MAX_FRAME_BYTES) {
  const received: Buffer[] = [];
  const decoder = new FrameDecoder(asPayload((payload) => received.push(Buffer.from(payload))), maxFrameBytes, 'test stream');
  return { decoder, received };
}

test('a stream of frames fed one byte at a time yields every payload, in order', () => {
  const { decoder, received } = collector();
  for (let i = 0; i < stream.length; i++) decoder.push(stream.subarray(i, i + 1));
  decoder.end();
  assert.deepEqual(received, payloads);
  assert.equal(decoder.bufferedBytes, 0);
});

test('a stream of frames split in two at every possible byte boundary yields every payload, in order', () => {
  for (let cut = 0; cut <= stream.length; cut++) {
    const { decoder, received } = collector();
    decoder.push(stream.subarray(0, cut));
    decoder.push(stream.subarray(cut));
    decoder.end();
    assert.deepEqual(received, payloads, `split at byte ${cut}`);
  }
});

test('a stream split in three at many pairs of boundaries yields every payload, in order', () => {
  for (let first = 0; first <= stream.length; first += 3) {
    for (let second = first; second <= stream.length; second += 5) {
      const { decoder, received } = collector();
      decoder.push(stream.subarray(0, first));
      decoder.push(stream.subarray(first, second));
      decoder.push(stream.subarray(second));
      decoder.end();
      assert.deepEqual(received, payloads, `split at bytes ${first} and ${second}`);
    }
  }
});

test('bufferedBytes counts the bytes held for an incomplete frame', () => {
  const { decoder, received } = collector();
  const one = frame(Buffer.from('abcdef'));
  decoder.push(one.subarray(0, 2));
  assert.equal(decoder.bufferedBytes, 2);
  decoder.push(one.subarray(2, 7));
  assert.equal(decoder.bufferedBytes, 7);
  assert.equal(received.length, 0);
  decoder.push(one.subarray(7));
  assert.equal(decoder.bufferedBytes, 0);
  assert.deepEqual(received, [Buffer.from('abcdef')]);
});

test('whole frames in one chunk are handed out as views of that chunk, not copies', () => {
  const views: Buffer[] = [];
  const decoder = new FrameDecoder(asPayload((payload) => views.push(payload)), DEFAULT_MAX_FRAME_BYTES, 'test stream');
  // A chunk with its own ArrayBuffer, so "same buffer" can only mean "a view of this chunk".
  const chunk = Buffer.from(new Uint8Array(stream));
  decoder.push(chunk);
  assert.equal(views.length, payloads.length);
  let offset = 0;
  for (const [i, view] of views.entries()) {
    assert.equal(view.buffer, chunk.buffer, `payload ${i} is a view of the chunk`);
    offset += FRAME_HEADER_BYTES;
    assert.equal(view.byteOffset, chunk.byteOffset + offset, `payload ${i} starts right after its header`);
    assert.deepEqual(Buffer.from(view), payloads[i]);
    offset += view.length;
  }
  // A view, so writing through the chunk shows in the payload.
  chunk[FRAME_HEADER_BYTES] = 'J'.charCodeAt(0);
  assert.equal(views[0]!.toString(), 'Jello');
});

test('a frame completed from several chunks is delivered whole, and the frames after it in the last chunk are views of it', () => {
  const views: Buffer[] = [];
  const decoder = new FrameDecoder(asPayload((payload) => views.push(payload)), DEFAULT_MAX_FRAME_BYTES, 'test stream');
  const first = frame(Buffer.from('split across chunks'));
  const second = frame(Buffer.from('whole'));
  decoder.push(Buffer.from(first.subarray(0, 9)));
  const last = Buffer.concat([first.subarray(9), second]);
  decoder.push(last);
  assert.deepEqual(views.map((v) => v.toString()), ['split across chunks', 'whole']);
  assert.equal(views[1]!.buffer, last.buffer);
});

test('a zero-length frame is delivered as an empty payload, alone, first, last or split', () => {
  const empty = frame(Buffer.alloc(0));
  assert.equal(empty.length, FRAME_HEADER_BYTES);

  const alone = collector();
  alone.decoder.push(empty);
  alone.decoder.end();
  assert.deepEqual(alone.received, [Buffer.alloc(0)]);

  const between = collector();
  between.decoder.push(Buffer.concat([empty, frame(Buffer.from('a')), empty]));
  between.decoder.end();
  assert.deepEqual(between.received, [Buffer.alloc(0), Buffer.from('a'), Buffer.alloc(0)]);

  for (let cut = 1; cut < FRAME_HEADER_BYTES; cut++) {
    const split = collector();
    split.decoder.push(empty.subarray(0, cut));
    assert.equal(split.received.length, 0);
    split.decoder.push(empty.subarray(cut));
    split.decoder.end();
    assert.deepEqual(split.received, [Buffer.alloc(0)], `header split at ${cut}`);
  }
});

test('a length prefix over maxFrameBytes throws ERR_FRAME_TOO_LARGE as soon as the prefix is read', () => {
  const { decoder, received } = collector(1000);
  const header = Buffer.alloc(FRAME_HEADER_BYTES);
  header.writeUInt32BE(1001, 0);
  // Only the header: the error comes before any of the frame's bytes.
  assert.throws(
    () => decoder.push(header),
    (err: unknown) => {
      assert.ok(err instanceof FrameTooLargeError);
      assert.ok(err instanceof MultiprocError);
      assert.equal(err.code, 'ERR_FRAME_TOO_LARGE');
      assert.equal(err.length, 1001);
      assert.equal(err.limit, 1000);
      assert.match(err.message, /test stream/);
      return true;
    },
  );
  assert.equal(decoder.bufferedBytes, 0);
  assert.equal(received.length, 0);
});

test('a length prefix equal to maxFrameBytes is accepted', () => {
  const { decoder, received } = collector(8);
  decoder.push(frame(Buffer.from('12345678')));
  assert.deepEqual(received, [Buffer.from('12345678')]);
});

test('a bogus 4 GiB prefix (0xFFFFFFFF) is refused without allocating anything for it', () => {
  const { decoder, received } = collector();
  const before = process.memoryUsage().arrayBuffers;
  assert.throws(
    () => decoder.push(Buffer.from([0xff, 0xff, 0xff, 0xff, 1, 2, 3])),
    (err: unknown) => err instanceof FrameTooLargeError && err.code === 'ERR_FRAME_TOO_LARGE' && err.length === 0xffffffff,
  );
  assert.equal(decoder.bufferedBytes, 0);
  // Far less than the 4 GiB announced (or even the 256 MiB limit) was set aside.
  assert.ok(process.memoryUsage().arrayBuffers - before < 16 * 1024 * 1024);

  // The decoder is now dead: further input is ignored, nothing is buffered, nothing delivered.
  decoder.push(frame(Buffer.from('ignored')));
  decoder.push(Buffer.from([0, 0]));
  assert.equal(decoder.bufferedBytes, 0);
  assert.equal(received.length, 0);
  decoder.end(); // not a truncation: the stream was already refused
});

test('a bogus prefix split across chunks is refused when its last byte arrives', () => {
  const { decoder, received } = collector();
  decoder.push(Buffer.from([0xff, 0xff]));
  assert.equal(decoder.bufferedBytes, 2);
  assert.throws(() => decoder.push(Buffer.from([0xff, 0xff, 0])), { code: 'ERR_FRAME_TOO_LARGE' });
  assert.equal(decoder.bufferedBytes, 0);
  decoder.push(frame(Buffer.from('ignored')));
  assert.equal(received.length, 0);
  assert.equal(decoder.bufferedBytes, 0);
});

test('a bogus prefix after a good frame in the same chunk delivers the good frame, then throws', () => {
  const { decoder, received } = collector(100);
  const chunk = Buffer.concat([frame(Buffer.from('good')), Buffer.from([0, 0, 1, 0])]);
  assert.throws(() => decoder.push(chunk), FrameTooLargeError);
  assert.deepEqual(received, [Buffer.from('good')]);
  assert.equal(decoder.bufferedBytes, 0);
});

test('end() in the middle of a split header throws ERR_FRAME_TRUNCATED', () => {
  const { decoder } = collector();
  decoder.push(Buffer.from([0, 0]));
  assert.throws(
    () => decoder.end(),
    (err: unknown) => err instanceof FrameTruncatedError && err.code === 'ERR_FRAME_TRUNCATED' && /2 bytes short/.test(err.message),
  );
  assert.equal(decoder.bufferedBytes, 0);
});

test('end() with a payload cut short throws ERR_FRAME_TRUNCATED naming the missing bytes', () => {
  const { decoder, received } = collector();
  const one = frame(Buffer.from('0123456789'));
  decoder.push(one.subarray(0, FRAME_HEADER_BYTES + 3));
  assert.throws(
    () => decoder.end(),
    (err: unknown) => err instanceof FrameTruncatedError && err.code === 'ERR_FRAME_TRUNCATED' && /7 bytes short/.test(err.message),
  );
  assert.equal(received.length, 0);
});

test('end() with a complete header and no payload yet throws ERR_FRAME_TRUNCATED', () => {
  const { decoder } = collector();
  decoder.push(Buffer.from([0, 0, 0, 5]));
  assert.throws(() => decoder.end(), { code: 'ERR_FRAME_TRUNCATED', name: 'FrameTruncatedError' });
});

test('end() on a frame boundary does not throw', () => {
  const { decoder, received } = collector();
  decoder.push(stream);
  decoder.end();
  assert.equal(received.length, payloads.length);
});

test('an error thrown by onFrame propagates out of push() and the decoder stays in sync for the next chunk', () => {
  const seen: string[] = [];
  const decoder = new FrameDecoder(
    asPayload((payload) => {
      seen.push(payload.toString());
      if (payload.toString() === 'boom') throw new Error('handler failed');
    }),
    DEFAULT_MAX_FRAME_BYTES,
    'test stream',
  );
  assert.throws(() => decoder.push(Buffer.concat([frame(Buffer.from('boom')), frame(Buffer.from('dropped'))])), /handler failed/);
  assert.deepEqual(seen, ['boom']);
  decoder.push(frame(Buffer.from('next')));
  assert.deepEqual(seen, ['boom', 'next']);
});

// ── Reads the decoder places (readBuffer / wrote): how a Channel reads a socket ──

/** A deterministic pseudo-random sequence (so a failure can be replayed). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

/** Payloads from empty to 300 KiB, large ones (read in place) among small ones. */
function mixedPayloads(next: () => number): Buffer[] {
  const sizes = [0, 1, 3, 70_000, 5, 64 * 1024, 64 * 1024 - 1, 300_000, 17, 9000, 200_000, 2];
  return sizes.map((size, n) => Buffer.from(Array.from({ length: size }, (_, i) => (i * 31 + n * 7 + Math.floor(next() * 3)) % 256)));
}

/** Feeds `bytes` as a socket would: each read fills a random part of what readBuffer() offers; now and then a pushed chunk instead. */
function feedAsReads(decoder: FrameDecoder, bytes: Buffer, next: () => number, pushSometimes: boolean): void {
  for (let at = 0; at < bytes.length; ) {
    if (pushSometimes && next() < 0.2) {
      const n = Math.min(bytes.length - at, 1 + Math.floor(next() * 5000));
      decoder.push(bytes.subarray(at, at + n));
      at += n;
      continue;
    }
    const target = decoder.readBuffer();
    assert.ok(target.length > 0, 'readBuffer() offers room');
    const n = Math.min(bytes.length - at, target.length, 1 + Math.floor(next() * (next() < 0.5 ? 100 : 150_000)));
    bytes.copy(target, 0, at, at + n);
    decoder.wrote(n);
    at += n;
  }
}

test('frames fed through readBuffer()/wrote() in reads of random sizes arrive whole and in order, also mixed with push()', () => {
  for (let seed = 1; seed <= 40; seed++) {
    const next = random(seed);
    const sent = mixedPayloads(next);
    const views: Buffer[] = [];
    const decoder = new FrameDecoder(asPayload((payload) => views.push(payload)), DEFAULT_MAX_FRAME_BYTES, 'test stream');
    feedAsReads(decoder, Buffer.concat(sent.map(frame)), next, seed % 2 === 0);
    decoder.end();
    // Compared only now: a view handed out early must not have been overwritten by a later read.
    assert.equal(views.length, sent.length, `seed ${seed}`);
    for (let i = 0; i < sent.length; i++) assert.ok(views[i]!.equals(sent[i]!), `seed ${seed}: frame ${i} (${sent[i]!.length} bytes) intact`);
    assert.equal(decoder.bufferedBytes, 0);
  }
});

test('a large frame is read straight into its own buffer: the payload handed out is where the reads wrote, not a copy', () => {
  const payload = Buffer.alloc(256 * 1024, 5);
  const bytes = frame(payload);
  const delivered: Buffer[] = [];
  const decoder = new FrameDecoder(asPayload((p) => delivered.push(p)), DEFAULT_MAX_FRAME_BYTES, 'test stream');
  // The header and a little of the payload arrive in a slab, the rest where the decoder says.
  let target = decoder.readBuffer();
  bytes.copy(target, 0, 0, 100);
  decoder.wrote(100);
  const targets: Buffer[] = [];
  for (let at = 100; at < bytes.length; ) {
    target = decoder.readBuffer();
    targets.push(target);
    assert.equal(target.length, bytes.length - at, 'offered exactly the bytes the frame still misses');
    const n = Math.min(bytes.length - at, target.length, 50_000);
    bytes.copy(target, 0, at, at + n);
    decoder.wrote(n);
    at += n;
  }
  assert.equal(delivered.length, 1);
  assert.ok(delivered[0]!.equals(payload));
  assert.equal(delivered[0]!.length, payload.length, 'a buffer of the payload size');
  for (const t of targets) assert.equal(t.buffer, delivered[0]!.buffer, 'every read after the header went into the payload buffer');
});

test('readBuffer() offers a large frame no more than its missing bytes, so the next frame is never read into it', () => {
  const first = Buffer.alloc(100_000, 1);
  const decoder = new FrameDecoder(() => {}, DEFAULT_MAX_FRAME_BYTES, 'test stream');
  const header = frame(first).subarray(0, FRAME_HEADER_BYTES);
  decoder.push(header);
  assert.equal(decoder.readBuffer().length, 100_000);
  decoder.push(first.subarray(0, 40_000));
  assert.equal(decoder.readBuffer().length, 60_000);
  assert.equal(decoder.bufferedBytes, FRAME_HEADER_BYTES + 40_000);
});

test('a length prefix over maxFrameBytes is refused when it arrives through wrote(), before a buffer is made for it', () => {
  const decoder = new FrameDecoder(() => {}, 1024, 'test stream');
  const target = decoder.readBuffer();
  target.writeUInt32BE(1_000_000, 0);
  assert.throws(() => decoder.wrote(FRAME_HEADER_BYTES), (error: unknown) => error instanceof FrameTooLargeError);
  assert.ok(decoder.readBuffer().length < 1_000_000, 'no buffer the size of the bogus frame');
});

test('end() after a large frame was cut short in its own buffer throws ERR_FRAME_TRUNCATED naming the missing bytes; discard() drops it', () => {
  const payload = Buffer.alloc(100_000, 9);
  const bytes = frame(payload);
  const cut = () => {
    const decoder = new FrameDecoder(() => assert.fail('no frame'), DEFAULT_MAX_FRAME_BYTES, 'test stream');
    decoder.push(bytes.subarray(0, FRAME_HEADER_BYTES + 10));
    const target = decoder.readBuffer();
    bytes.copy(target, 0, FRAME_HEADER_BYTES + 10, FRAME_HEADER_BYTES + 30_000);
    decoder.wrote(30_000 - 10);
    return decoder;
  };
  assert.throws(() => cut().end(), (error: unknown) => error instanceof FrameTruncatedError && /70000/.test(error.message));
  const decoder = cut();
  decoder.discard();
  assert.equal(decoder.bufferedBytes, 0);
  decoder.end();
});

// ── A placer takes some large frames' payloads elsewhere (how recvBytesInto reads into the caller's buffer) ──

const SENTINEL = 0xee;

/**
 * A placer that takes frames whose head starts with `mark`, into one target buffer filled with
 * SENTINEL (so bytes written anywhere but the body's place show), while `armed` says so.
 */
function placing(mark = 0xc6) {
  const placed: Array<{ head: Buffer; body: Buffer }> = [];
  const frames: Buffer[] = [];
  const state = { armed: true, target: Buffer.alloc(400_000, SENTINEL), asked: 0 };
  const placer: FramePlacer = {
    armed: () => state.armed,
    place: (length, head) => {
      state.asked++;
      assert.equal(head.length, PLACE_HEAD_BYTES, 'the placer sees the whole head');
      return head[0] === mark ? state.target.subarray(0, length - PLACE_HEAD_BYTES) : undefined;
    },
    onPlaced: (head, body) => placed.push({ head: Buffer.from(head), body }),
  };
  const decoder = new FrameDecoder(asPayload((payload) => frames.push(payload)), DEFAULT_MAX_FRAME_BYTES, 'test stream', placer);
  return { decoder, placed, frames, state };
}

/** A large payload whose first byte is `first`, then a pattern. */
function large(size: number, first: number, seed = 1): Buffer {
  const payload = Buffer.from(Array.from({ length: size }, (_, i) => (i * 13 + seed) % 251));
  payload[0] = first;
  return payload;
}

test('a placed frame: its head is read apart, then every read goes straight into the placer\'s buffer, and nothing past the body', () => {
  const { decoder, placed, frames, state } = placing();
  const payload = large(300_000, 0xc6);
  const bytes = frame(payload);
  // The length prefix and 2 bytes of the head arrive in a slab; the rest where the decoder says.
  bytes.copy(decoder.readBuffer(), 0, 0, FRAME_HEADER_BYTES + 2);
  decoder.wrote(FRAME_HEADER_BYTES + 2);
  const head = decoder.readBuffer();
  assert.equal(head.length, PLACE_HEAD_BYTES - 2, 'only the rest of the head is read before the placer is asked');
  bytes.copy(head, 0, FRAME_HEADER_BYTES + 2, FRAME_HEADER_BYTES + PLACE_HEAD_BYTES);
  decoder.wrote(head.length);
  assert.equal(state.asked, 1);
  for (let at = FRAME_HEADER_BYTES + PLACE_HEAD_BYTES; at < bytes.length; ) {
    const target = decoder.readBuffer();
    assert.equal(target.buffer, state.target.buffer, 'read into the placer\'s buffer');
    const n = Math.min(target.length, 70_000);
    bytes.copy(target, 0, at, at + n);
    decoder.wrote(n);
    at += n;
  }
  assert.equal(frames.length, 0);
  assert.equal(placed.length, 1);
  assert.ok(placed[0]!.head.equals(payload.subarray(0, PLACE_HEAD_BYTES)));
  assert.ok(placed[0]!.body.equals(payload.subarray(PLACE_HEAD_BYTES)));
  assert.equal(placed[0]!.body.byteOffset, state.target.byteOffset, 'the body is the view the placer gave');
  assert.ok(state.target.subarray(payload.length - PLACE_HEAD_BYTES).every((b) => b === SENTINEL), 'nothing written past the body');
});

test('a frame the placer declines, or one begun while it is not armed, is read whole into the decoder\'s own buffer', () => {
  const { decoder, placed, frames, state } = placing();
  const declined = large(100_000, 0x01);
  feedRest(decoder, frame(declined));
  state.armed = false;
  const unarmed = large(100_000, 0xc6, 2);
  feedRest(decoder, frame(unarmed));
  assert.equal(placed.length, 0);
  assert.equal(state.asked, 1, 'not asked about a frame begun while disarmed');
  assert.equal(frames.length, 2);
  assert.ok(frames[0]!.equals(declined));
  assert.ok(frames[1]!.equals(unarmed));
  assert.ok(state.target.every((b) => b === SENTINEL));
});

test('unplace() mid-frame moves what arrived into the decoder\'s own buffer: the frame arrives whole there, and the placer\'s buffer gets nothing more', () => {
  for (const cutAt of [FRAME_HEADER_BYTES + 3, FRAME_HEADER_BYTES + PLACE_HEAD_BYTES + 50_000]) {
    const { decoder, placed, frames, state } = placing();
    const payload = large(200_000, 0xc6);
    const bytes = frame(payload);
    feedRest(decoder, bytes.subarray(0, cutAt));
    decoder.readBuffer(); // the frame has begun: its head is being read, or its body placed
    assert.equal(state.asked, cutAt > FRAME_HEADER_BYTES + PLACE_HEAD_BYTES ? 1 : 0);
    const before = Buffer.from(state.target);
    // As a Channel lets go: no more placing, and the frame under way is taken back.
    state.armed = false;
    decoder.unplace();
    feedRest(decoder, bytes.subarray(cutAt));
    assert.equal(placed.length, 0, `cut at ${cutAt}`);
    assert.equal(frames.length, 1);
    assert.ok(frames[0]!.equals(payload), 'whole and in order');
    assert.ok(state.target.equals(before), 'the placer\'s buffer is as it was when it was let go');
    decoder.unplace(); // nothing placed now: does nothing
  }
});

/** The rest of a stream, as reads placed by readBuffer()/wrote(). */
function feedRest(decoder: FrameDecoder, bytes: Buffer): void {
  for (let at = 0; at < bytes.length; ) {
    const target = decoder.readBuffer();
    const n = Math.min(target.length, bytes.length - at, 33_333);
    bytes.copy(target, 0, at, at + n);
    decoder.wrote(n);
    at += n;
  }
}

test('a whole large frame pushed in one chunk is handed out as a view of that chunk, not placed', () => {
  const { decoder, placed, frames, state } = placing();
  const payload = large(100_000, 0xc6);
  decoder.push(frame(payload));
  assert.equal(state.asked, 0);
  assert.equal(placed.length, 0);
  assert.ok(frames[0]!.equals(payload));
});

test('frames placed or not, large and small, fed in reads of random sizes and pushed chunks, all arrive whole and in order', () => {
  for (let seed = 1; seed <= 30; seed++) {
    const next = random(seed);
    const sizes = [70_000, 3, 120_000, 64 * 1024, 5000, 99_999, 1, 150_000];
    const payloads = sizes.map((size, i) => large(size, next() < 0.6 ? 0xc6 : 0x02, seed + i));
    const got: Buffer[] = [];
    const state = { target: Buffer.alloc(200_000) };
    const decoder = new FrameDecoder(asPayload((p) => got.push(Buffer.from(p))), DEFAULT_MAX_FRAME_BYTES, 'test stream', {
      armed: () => true,
      place: (length, head) => (head[0] === 0xc6 ? state.target.subarray(0, length - PLACE_HEAD_BYTES) : undefined),
      onPlaced: (head, body) => {
        got.push(Buffer.concat([head, body]));
        state.target = Buffer.alloc(200_000); // the caller's next buffer
      },
    });
    feedAsReads(decoder, Buffer.concat(payloads.map(frame)), next, seed % 2 === 0);
    decoder.end();
    assert.equal(got.length, payloads.length, `seed ${seed}`);
    for (let i = 0; i < payloads.length; i++) assert.ok(got[i]!.equals(payloads[i]!), `seed ${seed}: frame ${i}`);
  }
});
