// Codec: what a value looks like after crossing a stream — encoded by one
// Codec, decoded by another, as the two ends of a connection do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Codec,
  EncodeError,
  FrameDecodeError,
  MultiprocError,
  TimeoutError,
  FrameTooLargeError,
  registerErrorClass,
} from '@multiproc/wire';

/** The two ends of one stream. */
function pair() {
  const sender = new Codec();
  const receiver = new Codec();
  return {
    sender,
    receiver,
    /** Encodes with the sender and decodes the bytes with the receiver. */
    roundTrip: <T>(value: T): T => receiver.decode(sender.encode(value), 'test stream') as T,
  };
}

test('JSON values round-trip unchanged', () => {
  const { roundTrip } = pair();
  const values: unknown[] = [
    null,
    true,
    false,
    0,
    -1,
    42,
    2 ** 31,
    -(2 ** 40),
    Number.MAX_SAFE_INTEGER,
    3.14159,
    -0.5,
    '',
    'hello',
    'unicode: héllo wörld ✓ 漢字 🎉',
    'x'.repeat(70_000),
    [],
    [1, 'two', null, [3, [4]]],
    {},
    { a: 1, b: 'two', c: [true, null], d: { e: { f: 'deep' } } },
    { 'key with spaces': 1, '': 2, '0': 3 },
  ];
  for (const value of values) assert.deepEqual(roundTrip(value), value);
});

test('undefined round-trips at top level, in arrays and as an object property (which stays present)', () => {
  const { roundTrip } = pair();
  assert.equal(roundTrip(undefined), undefined);
  const array = roundTrip([1, undefined, 3]);
  assert.deepEqual(array, [1, undefined, 3]);
  assert.equal(array.length, 3);
  assert.ok(1 in array, 'the hole is a real element');
  const object = roundTrip({ a: undefined, b: 2 });
  assert.deepEqual(object, { a: undefined, b: 2 });
  assert.ok('a' in object, 'the property is still there');
});

test('Date round-trips as a Date with the same time, to the millisecond', () => {
  const { roundTrip } = pair();
  for (const date of [new Date(0), new Date(1_700_000_000_123), new Date(-86_400_000), new Date('2100-01-01T12:34:56.789Z')]) {
    const out = roundTrip(date);
    assert.ok(out instanceof Date);
    assert.equal(out.getTime(), date.getTime());
  }
});

test('Map round-trips with string keys and object keys, in order', () => {
  const { roundTrip } = pair();
  const strings = roundTrip(new Map<string, unknown>([['b', 1], ['a', { nested: true }]]));
  assert.ok(strings instanceof Map);
  assert.deepEqual([...strings], [['b', 1], ['a', { nested: true }]]);

  const keyObject = { id: 7 };
  const objects = roundTrip(new Map<unknown, string>([[keyObject, 'object'], [[1, 2], 'array'], [3, 'number']]));
  assert.ok(objects instanceof Map);
  assert.deepEqual([...objects.keys()], [{ id: 7 }, [1, 2], 3]);
  assert.deepEqual([...objects.values()], ['object', 'array', 'number']);
  assert.equal(objects.get(3), 'number');
});

test('Set round-trips as a Set, and a Map nested in a Set stays a Map', () => {
  const { roundTrip } = pair();
  const set = roundTrip(new Set([1, 'two', null]));
  assert.ok(set instanceof Set);
  assert.deepEqual([...set], [1, 'two', null]);

  const nested = roundTrip(new Set([new Map<unknown, unknown>([['k', new Set([1])], [{ o: 1 }, 'v']])]));
  assert.ok(nested instanceof Set);
  const [inner] = [...nested] as [Map<unknown, unknown>];
  assert.ok(inner instanceof Map);
  assert.ok(inner.get('k') instanceof Set);
  assert.deepEqual([...inner], [['k', new Set([1])], [{ o: 1 }, 'v']]);
});

test('BigInt round-trips, small and over 64 bits, positive and negative', () => {
  const { roundTrip } = pair();
  const values = [0n, 1n, -1n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 64n - 1n, 2n ** 64n, 2n ** 100n + 12345n, -(2n ** 200n) - 1n, 7n ** 300n];
  for (const value of values) {
    const out = roundTrip(value);
    assert.equal(typeof out, 'bigint', `typeof ${value}`);
    assert.equal(out, value);
  }
});

test('Buffer round-trips as a Buffer with the same bytes', () => {
  const { roundTrip } = pair();
  for (const buffer of [Buffer.alloc(0), Buffer.from('bytes \x00\xff'), Buffer.alloc(100_000, 0xab)]) {
    const out = roundTrip(buffer);
    assert.ok(Buffer.isBuffer(out));
    assert.deepEqual(out, buffer);
  }
});

test('Uint8Array round-trips with the same bytes', () => {
  const { roundTrip } = pair();
  const out = roundTrip(new Uint8Array([0, 1, 254, 255]));
  assert.ok(out instanceof Uint8Array);
  assert.deepEqual([...out], [0, 1, 254, 255]);
});

test('Float64Array round-trips as a Float64Array, including a view into a larger buffer', () => {
  const { roundTrip } = pair();
  const whole = new Float64Array([1.5, -2.25, Math.PI, Infinity, -0]);
  const out = roundTrip(whole);
  assert.ok(out instanceof Float64Array);
  assert.deepEqual([...out], [...whole]);

  const view = new Float64Array(new Float64Array([9, 8, 7, 6]).buffer, 8, 2);
  const outView = roundTrip(view);
  assert.ok(outView instanceof Float64Array);
  assert.deepEqual([...outView], [8, 7]);
});

test('RegExp round-trips with its source and flags', () => {
  const { roundTrip } = pair();
  for (const regexp of [/a+b/, /^x.*y$/gimsu, /[\]\\/]\d{2,}/y]) {
    const out = roundTrip(regexp);
    assert.ok(out instanceof RegExp);
    assert.equal(out.source, regexp.source);
    assert.equal(out.flags, regexp.flags);
  }
  assert.ok(roundTrip(/ab/i).test('xAB'));
});

test('a cyclic object round-trips with its cycles and shared references intact', () => {
  const { roundTrip } = pair();
  const shared = { shared: true };
  const node: Record<string, unknown> = { name: 'root', left: shared, right: shared };
  node['self'] = node;
  node['children'] = [{ parent: node }];
  const out = roundTrip(node);
  assert.equal(out['name'], 'root');
  assert.equal(out['self'], out);
  assert.equal((out['children'] as Array<{ parent: unknown }>)[0]!.parent, out);
  assert.equal(out['left'], out['right']);
  assert.deepEqual(out['left'], { shared: true });
});

test('an object, a Buffer or an array repeated in a small message decodes as one object, a tree as a tree', () => {
  const { roundTrip } = pair();
  const a = { x: 1 };
  const inArray = roundTrip([a, a]);
  assert.equal(inArray[0], inArray[1]);
  const inObject = roundTrip({ p: a, q: [a] });
  assert.equal(inObject.p, inObject.q[0]);
  const bytes = Buffer.from([1, 2, 3]);
  const twice = roundTrip({ t: 1, value: [bytes, bytes] });
  assert.equal(twice.value[0], twice.value[1]);
  const loop: unknown[] = [1];
  loop.push(loop);
  const decoded = roundTrip(loop);
  assert.equal(decoded[1], decoded);
  const many = Array.from({ length: 12 }, (_, i) => ({ i }));
  const late = roundTrip([...many, many[11]]);
  assert.equal(late[12], late[11]);
  const tree = roundTrip({ t: 5, id: 7, ok: true, value: [{ a: 1 }, { a: 1 }], ms: 0.25 });
  assert.deepEqual(tree, { t: 5, id: 7, ok: true, value: [{ a: 1 }, { a: 1 }], ms: 0.25 });
  assert.notEqual(tree.value[0], tree.value[1]);
});

test('encodeInPlace: the bytes in its range decode as encode()\'s do, stay intact while thousands more are encoded, and a message with a repeated object keeps it', () => {
  const { sender, receiver } = pair();
  const decodeRange = (bytes: Uint8Array & { start: number; end: number }) => receiver.decode(bytes, 'test stream', bytes.start, bytes.end);
  const first = sender.encodeInPlace([5, 1, 'first', 2]);
  const { start, end } = first; // read at once: the next call moves them
  const firstBytes = Buffer.from(first.subarray(start, end));
  assert.deepEqual(decodeRange(first), [5, 1, 'first', 2]);
  for (let i = 0; i < 20_000; i++) assert.deepEqual(decodeRange(sender.encodeInPlace([5, i, 'x'.repeat(i % 100), { i }])), [5, i, 'x'.repeat(i % 100), { i }]);
  assert.deepEqual(Buffer.from(first.subarray(start, end)), firstBytes, 'bytes handed out are never written over');
  const a = { a: 1 };
  const repeated = decodeRange(sender.encodeInPlace([a, a])) as unknown[];
  assert.equal(repeated[0], repeated[1]);
  assert.deepEqual(receiver.decode(sender.encode({ after: true }), 'test stream'), { after: true }, 'encode() and encodeInPlace() share one stream');
});

test('1000 messages with 100 different shapes decode in sync, decoded one by one as they are encoded', () => {
  const { roundTrip } = pair();
  for (let i = 0; i < 1000; i++) {
    const message = shaped(i);
    assert.deepEqual(roundTrip(message), message, `message ${i}`);
  }
});

test('1000 messages with 100 different shapes decode in sync when all are encoded before any is decoded', () => {
  const { sender, receiver } = pair();
  const messages = Array.from({ length: 1000 }, (_, i) => shaped(i));
  // The encoder's output is only valid until its next call: keep copies, as a socket would.
  const frames = messages.map((message) => Buffer.from(sender.encode(message)));
  for (const [i, frame] of frames.entries()) assert.deepEqual(receiver.decode(frame, 'test stream'), messages[i], `message ${i}`);
});

test('messages of one shape repeated many times decode in sync, and are smaller after the first', () => {
  const { sender, receiver } = pair();
  const sizes: number[] = [];
  for (let i = 0; i < 1000; i++) {
    const message = { kind: 'task', id: i, payload: { a: i, b: `s${i}` } };
    const bytes = sender.encode(message);
    sizes.push(bytes.length);
    assert.deepEqual(receiver.decode(bytes, 'test stream'), message);
  }
  // The record structure is sent once, then referred to: that is the state both ends must share.
  assert.ok(sizes[0]! > sizes[999]!, `first ${sizes[0]} bytes, last ${sizes[999]} bytes`);
});

/** Message `i` of a stream mixing 100 shapes: shape `i * 37 % 100`, with nested objects of shape-specific keys. */
function shaped(i: number): Record<string, unknown> {
  const shape = (i * 37) % 100;
  const message: Record<string, unknown> = { i };
  for (let k = 0; k <= shape % 7; k++) message[`s${shape}_k${k}`] = k % 2 ? `v${i}` : i * k;
  message[`nested${shape % 10}`] = { [`inner${shape}`]: [{ deep: shape, [`leaf${shape % 3}`]: i }] };
  return message;
}

test('a TypeError keeps its class, name, message, stack, code, own fields and cause', () => {
  const { roundTrip } = pair();
  const cause = new RangeError('the inner failure');
  const original = Object.assign(new TypeError('the outer failure', { cause }), {
    code: 'E_CUSTOM',
    retryable: false,
    details: { attempt: 3, tags: ['x'] },
  });
  const out = roundTrip(original);
  assert.ok(out instanceof TypeError);
  assert.equal(out.name, 'TypeError');
  assert.equal(out.message, 'the outer failure');
  assert.equal(out.stack, original.stack);
  assert.equal(out.code, 'E_CUSTOM');
  assert.equal(out.retryable, false);
  assert.deepEqual(out.details, { attempt: 3, tags: ['x'] });
  assert.ok(out.cause instanceof RangeError);
  assert.equal((out.cause as Error).message, 'the inner failure');
  assert.equal((out.cause as Error).stack, cause.stack);
});

test('an error without a cause arrives without one, and a non-error cause is kept as is', () => {
  const { roundTrip } = pair();
  assert.equal('cause' in roundTrip(new Error('plain')), false);
  assert.deepEqual(roundTrip(new Error('with data', { cause: { status: 503 } })).cause, { status: 503 });
});

test('an AggregateError keeps its errors, each as its own class', () => {
  const { roundTrip } = pair();
  const original = new AggregateError([new Error('first'), new TypeError('second')], 'several failed');
  const out = roundTrip(original);
  assert.ok(out instanceof AggregateError);
  assert.equal(out.message, 'several failed');
  assert.equal(out.errors.length, 2);
  assert.ok(out.errors[0] instanceof Error);
  assert.equal(out.errors[0].message, 'first');
  assert.ok(out.errors[1] instanceof TypeError);
  assert.equal(out.errors[1].message, 'second');
  assert.equal(out.errors[1].stack, original.errors[1].stack);
});

test('errors nested in other values arrive as errors', () => {
  const { roundTrip } = pair();
  const out = roundTrip({ results: [new RangeError('in an array')], byKey: new Map([['k', new SyntaxError('in a map')]]) });
  assert.ok(out.results[0] instanceof RangeError);
  assert.ok(out.byKey.get('k') instanceof SyntaxError);
});

test('a MultiprocError subclass arrives as that class, with its code and fields', () => {
  const { roundTrip } = pair();
  const timeout = roundTrip(new TimeoutError('Queue.get()', 250));
  assert.ok(timeout instanceof TimeoutError);
  assert.ok(timeout instanceof MultiprocError);
  assert.equal(timeout.code, 'ERR_TIMEOUT');
  assert.equal(timeout.name, 'TimeoutError');
  assert.equal(timeout.message, 'Queue.get() timed out after 250 ms.');

  const tooLarge = roundTrip(new FrameTooLargeError(10, 5, 'somewhere'));
  assert.ok(tooLarge instanceof FrameTooLargeError);
  assert.equal(tooLarge.code, 'ERR_FRAME_TOO_LARGE');
  assert.equal(tooLarge.length, 10);
  assert.equal(tooLarge.limit, 5);
});

test('a user error class registered with registerErrorClass arrives as that class', () => {
  class QuotaExceededError extends Error {
    readonly used: number;
    constructor(used: number) {
      super(`quota exceeded: ${used} used`);
      this.name = 'QuotaExceededError';
      this.used = used;
    }
    get overBy(): number {
      return this.used - 100;
    }
  }
  registerErrorClass(QuotaExceededError);
  const { roundTrip } = pair();
  const out = roundTrip(new QuotaExceededError(130));
  assert.ok(out instanceof QuotaExceededError);
  assert.equal(out.name, 'QuotaExceededError');
  assert.equal(out.used, 130);
  assert.equal(out.overBy, 30, 'methods of the class work on the decoded error');
});

test('a registered user error class that does not set name still arrives as that class', () => {
  class StaleLockError extends Error {}
  registerErrorClass(StaleLockError);
  const { roundTrip } = pair();
  const out = roundTrip(new StaleLockError('stale'));
  assert.ok(out instanceof StaleLockError);
  assert.equal(out.name, 'Error', 'its name is the one it had');
  assert.equal(out.message, 'stale');
});

test('an error of an unregistered subclass arrives as its nearest known class, with its name', () => {
  class UnregisteredError extends RangeError {
    constructor(message: string) {
      super(message);
      this.name = 'UnregisteredError';
    }
  }
  const { roundTrip } = pair();
  const out = roundTrip(new UnregisteredError('who am I'));
  assert.ok(out instanceof Error);
  assert.equal(out.name, 'UnregisteredError');
  assert.equal(out.message, 'who am I');
});

for (const [what, value] of [
  ['a function', () => 1],
  ['a function inside an object', { callback: function named() {} }],
  ['a symbol', Symbol('s')],
  ['a symbol inside an array', [1, Symbol.iterator]],
] as Array<[string, unknown]>) {
  test(`encoding ${what} throws EncodeError ERR_ENCODE`, () => {
    const { sender } = pair();
    assert.throws(
      () => sender.encode(value),
      (err: unknown) => {
        assert.ok(err instanceof EncodeError);
        assert.ok(err instanceof MultiprocError);
        assert.equal(err.code, 'ERR_ENCODE');
        assert.ok(err.cause instanceof Error, 'the encoder error is the cause');
        return true;
      },
    );
  });
}

test('a codec that refused a value keeps encoding the next ones correctly', () => {
  const { sender, receiver } = pair();
  assert.deepEqual(receiver.decode(sender.encode({ before: 1 }), 'x'), { before: 1 });
  assert.throws(() => sender.encode({ before: 2, bad: Symbol('no') }), { code: 'ERR_ENCODE' });
  for (let i = 0; i < 5; i++) assert.deepEqual(receiver.decode(sender.encode({ before: i, after: [i] }), 'x'), { before: i, after: [i] });
});

test('decoding truncated msgpack throws FrameDecodeError ERR_FRAME_DECODE naming the stream', () => {
  const { sender, receiver } = pair();
  const bytes = Buffer.from(sender.encode({ text: 'a fairly long string value', list: [1, 2, 3] }));
  for (const cut of [1, Math.floor(bytes.length / 2), bytes.length - 1]) {
    assert.throws(
      () => new Codec().decode(bytes.subarray(0, cut), 'channel to worker-3'),
      (err: unknown) => {
        assert.ok(err instanceof FrameDecodeError);
        assert.equal(err.code, 'ERR_FRAME_DECODE');
        assert.match(err.message, /channel to worker-3/);
        assert.notEqual(err.cause, undefined);
        return true;
      },
      `cut at ${cut} of ${bytes.length}`,
    );
  }
  // The same bytes, whole, are fine: it was the truncation that failed.
  assert.deepEqual(receiver.decode(bytes, 'x'), { text: 'a fairly long string value', list: [1, 2, 3] });
});

test('decoding a value followed by trailing bytes throws FrameDecodeError ERR_FRAME_DECODE', () => {
  const { sender } = pair();
  const bytes = Buffer.concat([sender.encode('complete'), Buffer.from([0x01, 0x02])]);
  assert.throws(() => new Codec().decode(bytes, 'x'), (err: unknown) => err instanceof FrameDecodeError && err.code === 'ERR_FRAME_DECODE');
  assert.throws(() => new Codec().decode(Buffer.from([0x01, 0x02]), 'x'), { code: 'ERR_FRAME_DECODE' });
});

test('a RequireModules control frame naming anything but file: URLs does not decode (ERR_FRAME_DECODE, caused by ERR_PROTOCOL): a peer cannot make this process import a data: or https: module', async () => {
  const { RequireModules } = await import('../src/required-modules.js');
  const codec = new Codec();
  assert.throws(
    () => codec.decode(codec.encode(new RequireModules(['data:text/javascript,process.exit(9)'])), 'test'),
    (error: Error & { code?: string; cause?: { code?: string } }) => error.code === 'ERR_FRAME_DECODE' && error.cause?.code === 'ERR_PROTOCOL',
  );
  const ok = new Codec();
  assert.ok(ok.decode(ok.encode(new RequireModules(['file:///x.js'])), 'test') instanceof RequireModules);
});
