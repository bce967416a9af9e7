// Large values (4 KiB or more) are decoded by a path of their own (Codec #decodeLarge): the same values, the same
// record structures carried over to the next message, and bytes after the value refused cheaply. Before, msgpackr's
// own error for bytes after a value described the value with JSON.stringify: a 16 MiB Buffer with one byte too many
// took 18 s and 1.1 GB to refuse (found by the fuzzer, issue #19).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Codec } from '@multiproc/wire';

test('large values decode as small ones do, and the records they define serve the messages after them', () => {
  const encoder = new Codec();
  const decoder = new Codec();
  const rows = Array.from({ length: 500 }, (_, i) => ({ id: i, name: `row ${i}`, tags: new Set(['a']), at: new Date(i) }));
  const big = encoder.encode({ rows, blob: Buffer.alloc(10_000, 7) });
  assert.ok(big.length >= 4096);
  assert.deepEqual(decoder.decode(big, 'test'), { rows, blob: Buffer.alloc(10_000, 7) });
  const small = encoder.encode({ id: 1, name: 'row 1', tags: new Set(['b']), at: new Date(1) }); // the same record shape
  assert.deepEqual(decoder.decode(small, 'test'), { id: 1, name: 'row 1', tags: new Set(['b']), at: new Date(1) });
  // From the middle of a larger buffer, as a channel's slab hands frames out.
  const slab = Buffer.concat([Buffer.alloc(3), encoder.encode('x'.repeat(5000)), Buffer.alloc(2)]);
  assert.equal(new Codec().decode(slab, 'test', 3, slab.length - 2), 'x'.repeat(5000));
});

test('a large value with bytes after it is refused with ERR_FRAME_DECODE at once, without describing the value', () => {
  const bytes = Buffer.concat([Buffer.from([0xc6, 0, 0x80, 0, 0]), Buffer.alloc(8 * 1024 * 1024, 1), Buffer.from([0xc0])]); // 8 MiB bin, then nil
  const started = performance.now();
  assert.throws(
    () => new Codec().decode(bytes, 'test'),
    (error: Error & { code?: string; cause?: Error }) => error.code === 'ERR_FRAME_DECODE' && /1 bytes after the value/.test(error.cause?.message ?? ''),
  );
  const ms = performance.now() - started;
  assert.ok(ms < 5000, `took ${Math.round(ms)} ms (msgpackr's own error took seconds, growing with the value)`);
});
