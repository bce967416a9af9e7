// Classes by reference: an instance of a class exported from a module crosses as that class, found by its
// module and export name, rebuilt without calling its constructor; a class that cannot be found fails the send.
// (Across real processes: test/class-by-reference.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { Channel, Codec, registerPassable } from '@multiproc/wire';
import Square from './fixtures/anonymous.js';
import Shape, { constructorCalls, makeHidden, makeHiddenError, Money, Point, Triangle, ValidationError, Vec3 } from './fixtures/shapes.js';
import { socketPair } from './helpers/socket-pair.js';

const { Celsius } = createRequire(import.meta.url)('./fixtures/shapes.cjs') as { Celsius: new (d: number) => { degrees: number; fahrenheit(): number } };

function roundTrip<T>(value: T): T {
  return new Codec().decode(new Codec().encode(value), 'test stream') as T;
}

const shapes = new URL('./fixtures/shapes.ts', import.meta.url).href;


test('an instance of an exported class arrives as that class, with its fields and methods, without a registration', () => {
  const out = roundTrip(new Point(3, 4));
  assert.ok(out instanceof Point);
  assert.deepEqual({ ...out }, { x: 3, y: 4 });
  assert.equal(out.norm(), 5);
});

test('the receiver rebuilds the instance without calling the constructor (as pickle does)', () => {
  const point = new Point(1, 1);
  const before = constructorCalls;
  roundTrip([point, point, new Map([['p', point]])]);
  assert.equal(constructorCalls, before);
});

test('instances nested in arrays, objects, Maps and Sets, an export under another name, a default export, a CommonJS export', () => {
  const out = roundTrip({
    list: [new Point(0, 1), [new Vec3([1, 2, 3])]],
    map: new Map([['shape', new Shape()]]),
    set: new Set([new Celsius(100)]),
  });
  assert.ok(out.list[0] instanceof Point);
  const inner = (out.list[1] as unknown[])[0];
  assert.ok(inner instanceof Vec3);
  assert.equal(inner.sum(), 6);
  assert.ok(out.map.get('shape') instanceof Shape);
  assert.ok(roundTrip(new Square()) instanceof Square, 'an anonymous default export');
  assert.ok(roundTrip(new Triangle()) instanceof Triangle, 'a class expression exported under a constant of another name');
  assert.equal(out.map.get('shape')!.sides, 3);
  const [celsius] = [...out.set];
  assert.ok(celsius instanceof Celsius);
  assert.equal(celsius.fahrenheit(), 212);
});

test('an instance of a class its module does not export fails at the send with ERR_ENCODE, naming the class and the fix', () => {
  assert.throws(
    () => new Codec().encode({ deep: [makeHidden()] }),
    (error: Error & { code?: string }) => {
      assert.equal(error.code, 'ERR_ENCODE');
      assert.match(error.message, /class Hidden/);
      assert.match(error.message, /shapes\.ts does not export it/);
      assert.match(error.message, /Export Hidden from its module/);
      assert.match(error.message, /registerPassable/);
      return true;
    },
  );
});

test("an instance of Node's own classes (no module to import) fails at the send with ERR_ENCODE, never as a plain object", () => {
  assert.throws(() => new Codec().encode(new URLSearchParams('a=1')), (error: Error & { code?: string }) => {
    assert.equal(error.code, 'ERR_ENCODE');
    assert.match(error.message, /class URLSearchParams: it is Node's own \(node:internal\/url\)/);
    return true;
  });
});

test('a class with toJSON is sent as its toJSON(), as before; objects without a class stay plain objects', () => {
  assert.equal(roundTrip(new Money(250)), '2.5 EUR');
  const bare = Object.assign(Object.create(null) as object, { a: 1 });
  assert.deepEqual(roundTrip(bare), { a: 1 });
  const inheriting = Object.assign(Object.create({ inherited: true }) as object, { b: 2 });
  assert.deepEqual(roundTrip(inheriting), { b: 2 });
  assert.deepEqual(roundTrip(new URL('https://example.org/x')), 'https://example.org/x');
});

test('a registered passable wins over the reference', () => {
  class Registered {
    constructor(readonly n: number) {}
  }
  registerPassable({ type: 40, Class: Registered, encode: (r: Registered) => r.n * 10, decode: (n: number) => new Registered(n) });
  assert.equal(roundTrip(new Registered(2)).n, 20);
});

test('an error of an exported class arrives as that class (instanceof holds), with its fields, message and stack', () => {
  const sent = new ValidationError('bad email', 'email');
  const out = roundTrip(sent);
  assert.ok(out instanceof ValidationError);
  assert.ok(out instanceof Error);
  assert.equal(out.field, 'email');
  assert.equal(out.message, 'bad email');
  assert.equal(out.name, 'ValidationError');
  assert.equal(out.stack, sent.stack);
  const wrapped = roundTrip(new Error('outer', { cause: sent }));
  assert.ok(wrapped.cause instanceof ValidationError);
});

test('an error of a class that is not exported still crosses, as an Error with its name and message (an error is never lost)', () => {
  const out = roundTrip(makeHiddenError());
  assert.ok(out instanceof Error);
  assert.equal(out.message, 'hidden');
});

test('over a Channel, the first message holding an instance is preceded by a RequireModules frame naming its module, once', async (t) => {
  const { RequireModules } = await import('../src/required-modules.js');
  const [a, b] = await socketPair(t);
  const sender = new Channel<unknown, unknown>(a, { onMessage: () => {} });
  t.after(() => sender.destroy());
  let bytes = Buffer.alloc(0);
  const frames: unknown[] = [];
  const decoder = new Codec();
  const allArrived = new Promise<void>((resolve) => {
    b.on('data', (chunk: Buffer) => {
      bytes = Buffer.concat([bytes, chunk]);
      while (bytes.length >= 4 && bytes.length >= 4 + bytes.readUInt32BE(0)) {
        const length = bytes.readUInt32BE(0);
        frames.push(decoder.decode(bytes.subarray(4, 4 + length), 'test'));
        bytes = bytes.subarray(4 + length);
      }
      if (frames.length >= 3) resolve();
    });
  });
  sender.send(new Point(1, 2));
  sender.send([new Point(3, 4)]);
  await allArrived;
  assert.equal(frames.length, 3);
  assert.ok(frames[0] instanceof RequireModules, 'the module first');
  assert.deepEqual(frames[0].modules, [shapes]);
  assert.ok(frames[1] instanceof Point);
  assert.ok((frames[2] as unknown[])[0] instanceof Point, 'no second RequireModules for the same module');
});
