// registerPassable: user classes whose instances cross a stream and arrive as
// live instances of the same class. (Registrations are per process: each test
// file runs in its own, so the type codes here only have to differ from each other.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Codec,
  EncodeError,
  FIRST_USER_EXT,
  InvalidArgumentError,
  LAST_USER_EXT,
  registerInternalPassable,
  registerPassable,
} from '@multiproc/wire';

/** Encodes with one Codec and decodes with another, as the two ends of a stream do. */
function roundTrip<T>(value: T): T {
  return new Codec().decode(new Codec().encode(value), 'test stream') as T;
}

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
  norm(): number {
    return Math.hypot(this.x, this.y);
  }
}
let pointDecodes = 0;
registerPassable({
  type: 16,
  Class: Point,
  encode: (p: Point) => [p.x, p.y],
  decode: ([x, y]: [number, number]) => {
    pointDecodes++;
    return new Point(x, y);
  },
});

/** A passable whose data holds other passable objects. */
class Segment {
  constructor(
    readonly from: Point,
    readonly to: Point,
    readonly label: string,
  ) {}
  length(): number {
    return Math.hypot(this.to.x - this.from.x, this.to.y - this.from.y);
  }
}
registerPassable({
  type: 17,
  Class: Segment,
  encode: (s: Segment) => ({ from: s.from, to: s.to, label: s.label }),
  decode: (d: { from: Point; to: Point; label: string }) => new Segment(d.from, d.to, d.label),
});

test('user type codes are 16 to 63', () => {
  assert.equal(FIRST_USER_EXT, 16);
  assert.equal(LAST_USER_EXT, 63);
});

test('an instance of a registered class arrives as an instance of that class, with working methods', () => {
  const before = pointDecodes;
  const out = roundTrip(new Point(3, 4));
  assert.ok(out instanceof Point);
  assert.equal(out.x, 3);
  assert.equal(out.y, 4);
  assert.equal(out.norm(), 5);
  assert.equal(pointDecodes, before + 1, 'the registered decode() built it');
});

test('registered instances nested in arrays, objects, Map keys and values and Sets arrive as instances', () => {
  const map = new Map<unknown, unknown>([
    [new Point(1, 1), 'a point as a key'],
    ['a point as a value', new Point(2, 2)],
  ]);
  const out = roundTrip({ list: [new Point(0, 1), [new Point(0, 2)]], map, set: new Set([new Point(5, 5)]) });
  assert.ok(out.list[0] instanceof Point);
  assert.ok((out.list[1] as Point[])[0] instanceof Point);
  const [key] = [...out.map.keys()];
  assert.ok(key instanceof Point);
  assert.deepEqual([key.x, key.y], [1, 1]);
  assert.equal(out.map.get(key), 'a point as a key');
  const value = out.map.get('a point as a value');
  assert.ok(value instanceof Point);
  assert.equal(value.norm(), Math.hypot(2, 2));
  assert.ok([...out.set][0] instanceof Point);
});

test('passable objects inside another passable object’s data arrive as instances', () => {
  const out = roundTrip([new Segment(new Point(0, 0), new Point(3, 4), 'diagonal')]);
  const [segment] = out;
  assert.ok(segment instanceof Segment);
  assert.ok(segment.from instanceof Point);
  assert.ok(segment.to instanceof Point);
  assert.equal(segment.label, 'diagonal');
  assert.equal(segment.length(), 5);
});

test('the same instance referenced twice in one message arrives as one instance', () => {
  const shared = new Point(7, 7);
  const out = roundTrip({ a: shared, b: [shared] });
  assert.ok(out.a instanceof Point);
  assert.equal(out.a, out.b[0]);
});

test('passable objects interleaved with plain records stay decodable over a long stream', () => {
  const sender = new Codec();
  const receiver = new Codec();
  for (let i = 0; i < 500; i++) {
    const message = { seq: i, [`kind${i % 20}`]: new Point(i, -i - 1), extra: i % 3 ? new Segment(new Point(i, 0), new Point(0, i), `s${i}`) : null };
    const out = receiver.decode(sender.encode(message), 'test stream') as typeof message;
    assert.equal(out.seq, i);
    const point = out[`kind${i % 20}`] as Point;
    assert.ok(point instanceof Point, `message ${i}`);
    assert.deepEqual([point.x, point.y], [i, -i - 1]);
    if (i % 3) {
      assert.ok(out.extra instanceof Segment, `message ${i}`);
      assert.equal(out.extra.label, `s${i}`);
    } else {
      assert.equal(out.extra, null);
    }
  }
});

test('an instance of an unregistered subclass uses its registered base class’s entry', () => {
  class Point3 extends Point {}
  const out = roundTrip(new Point3(1, 2));
  assert.ok(out instanceof Point);
  assert.deepEqual([out.x, out.y], [1, 2]);
});

test('a registered subclass arrives as itself, whether it was registered before or after its base class', () => {
  class Shape {
    constructor(readonly id: number) {}
  }
  class Circle extends Shape {
    constructor(
      id: number,
      readonly radius: number,
    ) {
      super(id);
    }
  }
  class Ring extends Circle {
    constructor(
      id: number,
      radius: number,
      readonly hole: number,
    ) {
      super(id, radius);
    }
  }
  // Most derived first: the base class is registered last.
  registerPassable({ type: 42, Class: Ring, encode: (r: Ring) => [r.id, r.radius, r.hole], decode: ([i, r, h]: number[]) => new Ring(i!, r!, h!) });
  registerPassable({ type: 41, Class: Circle, encode: (c: Circle) => [c.id, c.radius], decode: ([i, r]: number[]) => new Circle(i!, r!) });
  registerPassable({ type: 40, Class: Shape, encode: (s: Shape) => s.id, decode: (i: number) => new Shape(i) });

  const [shape, circle, ring] = roundTrip([new Shape(1), new Circle(2, 10), new Ring(3, 10, 4)]);
  assert.equal(shape!.constructor, Shape);
  assert.equal(circle!.constructor, Circle);
  assert.equal((circle as Circle).radius, 10);
  assert.equal(ring!.constructor, Ring);
  assert.equal((ring as Ring).hole, 4);
});

test('a value a passable’s encode() cannot handle makes Codec.encode throw ERR_ENCODE with that error as cause', () => {
  class Fragile {
    constructor(readonly ok: boolean) {}
  }
  const failure = new Error('cannot serialize a broken Fragile');
  registerPassable({
    type: 50,
    Class: Fragile,
    encode: (f: Fragile) => {
      if (!f.ok) throw failure;
      return f.ok;
    },
    decode: (ok: boolean) => new Fragile(ok),
  });
  assert.ok(roundTrip(new Fragile(true)) instanceof Fragile);
  assert.throws(() => new Codec().encode({ inner: new Fragile(false) }), (err: unknown) => err instanceof EncodeError && err.code === 'ERR_ENCODE' && err.cause === failure);
});

for (const type of [15, 64, 0, 1, 2, -1, 16.5, NaN, Infinity, '20'] as unknown[]) {
  test(`registerPassable refuses type ${typeof type === 'string' ? `'${type}'` : String(type)} with InvalidArgumentError ERR_INVALID_ARGUMENT`, () => {
    class Unlucky {}
    assert.throws(
      () => registerPassable({ type: type as number, Class: Unlucky, encode: () => null, decode: () => new Unlucky() }),
      (err: unknown) => {
        assert.ok(err instanceof InvalidArgumentError);
        assert.equal(err.code, 'ERR_INVALID_ARGUMENT');
        assert.match(err.message, /16 to 63/);
        return true;
      },
    );
    // Not registered, and not exported from its module: its instances fail at the send, never arriving as plain objects.
    assert.throws(() => roundTrip(new Unlucky()), { code: 'ERR_ENCODE', message: /class Unlucky/ });
  });
}

test('registerInternalPassable is limited to multiproc’s own codes, 2 to 15', () => {
  class Internal {}
  assert.throws(() => registerInternalPassable({ type: 16, Class: Internal, encode: () => 0, decode: () => new Internal() }), {
    code: 'ERR_INVALID_ARGUMENT',
  });
  assert.throws(() => registerInternalPassable({ type: 1, Class: Internal, encode: () => 0, decode: () => new Internal() }), {
    code: 'ERR_INVALID_ARGUMENT',
  });
});

test('a type code already taken by another class is refused, and the first class keeps it', () => {
  class Impostor {
    constructor(readonly x: number) {}
  }
  assert.throws(
    () => registerPassable({ type: 16, Class: Impostor, encode: (i: Impostor) => [i.x, 0], decode: ([x]: number[]) => new Impostor(x!) }),
    (err: unknown) => {
      assert.ok(err instanceof InvalidArgumentError);
      assert.equal(err.code, 'ERR_INVALID_ARGUMENT');
      assert.match(err.message, /Point/);
      assert.match(err.message, /Impostor/);
      return true;
    },
  );
  assert.ok(roundTrip(new Point(1, 2)) instanceof Point);
  assert.throws(() => roundTrip(new Impostor(1)), { code: 'ERR_ENCODE', message: /class Impostor/ });
});

test('registering the same class again with the same type is accepted and changes nothing', () => {
  const definition = { type: 16, Class: Point, encode: (p: Point) => [p.x, p.y], decode: ([x, y]: [number, number]) => new Point(x, y) };
  registerPassable(definition);
  registerPassable(definition);
  const out = roundTrip(new Point(6, 8));
  assert.ok(out instanceof Point);
  assert.equal(out.norm(), 10);
});

test('registerPassable without a type code: the registration is named by class and module, and instances round-trip', () => {
  class Temperature {
    readonly #kelvin: number;
    constructor(kelvin: number) {
      this.#kelvin = kelvin;
    }
    get kelvin(): number {
      return this.#kelvin;
    }
  }
  registerPassable({ Class: Temperature, encode: (t: Temperature) => t.kelvin, decode: (k: number) => new Temperature(k), module: import.meta.url });
  const out = roundTrip({ now: new Temperature(293) });
  assert.ok(out.now instanceof Temperature);
  assert.equal(out.now.kelvin, 293, 'the #private state came through encode/decode');
});

test('registerPassable without a type code refuses a second class of the same name and module', () => {
  const make = () =>
    class Twin {
      n = 0;
    };
  const [first, second] = [make(), make()];
  registerPassable({ Class: first, encode: () => 0, decode: () => new first() });
  registerPassable({ Class: first, encode: () => 0, decode: () => new first() });
  assert.throws(() => registerPassable({ Class: second, encode: () => 0, decode: () => new second() }), {
    code: 'ERR_INVALID_ARGUMENT',
    message: /another class named Twin/,
  });
});
