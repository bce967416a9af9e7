// Hostile values: what a careless or hostile caller passes as an argument (odd numbers, deep nesting, large
// strings, every type the codec writes), and raw msgpack the codec would never write (extension types of multiproc's
// own passables and control frames with made-up contents, lying lengths).
import type { Random } from './random.js';

const NUMBERS = [0, -0, 1, -1, -5, 0.5, NaN, Infinity, -Infinity, 2 ** 31, 2 ** 32, 2 ** 53, -(2 ** 53), 1e308, Number.MIN_VALUE, 4294967295, 65536];
const STRINGS = ['', 'x', 'put', 'get', 'acquire', '__proto__', 'constructor', 'toString', 'file:///etc/passwd', 'data:text/javascript,process.exit(9)', '\u0000', '\ud800'];

const ERRORS = [Object.assign(new Error('boom'), { code: 'ERR_TIMEOUT' }), new TypeError('x', { cause: new RangeError('y') }), Object.assign(new Error(''), { code: 'EPIPE', errno: -32 })];

/** A JavaScript value the codec can usually encode, chosen to be awkward. */
export function hostileValue(random: Random, depth = 0): unknown {
  const leaf = depth > 3 || random.chance(0.5);
  if (leaf) {
    switch (random.int(12)) {
      case 0:
        return random.pick(NUMBERS);
      case 1:
        return random.int(1000) - 10;
      case 2:
        return random.pick(STRINGS);
      case 3:
        return 'y'.repeat(random.chance(0.1) ? random.size(200_000) : random.size(100));
      case 4:
        return random.chance(0.5);
      case 5:
        return random.chance(0.5) ? null : undefined;
      case 6:
        return BigInt(random.u32()) * BigInt(random.u32()) * (random.chance(0.5) ? -1n : 1n);
      case 7:
        return new Date(random.chance(0.2) ? NaN : random.u32() * 1000);
      case 8:
        return random.bytes(random.chance(0.1) ? random.size(100_000) : random.size(100));
      case 9:
        return new Float64Array(random.size(1000)).fill(random.u32());
      case 10:
        return random.pick(ERRORS);
      default:
        return /a+b/gi;
    }
  }
  switch (random.int(5)) {
    case 0:
      return Array.from({ length: random.size(20) }, () => hostileValue(random, depth + 1));
    case 1: {
      const out: Record<string, unknown> = {};
      for (let i = random.size(8); i > 0; i--) out[random.pick(STRINGS) || `k${i}`] = hostileValue(random, depth + 1);
      return out;
    }
    case 2:
      return new Map(Array.from({ length: random.size(6) }, () => [hostileValue(random, depth + 1), hostileValue(random, depth + 1)]));
    case 3:
      return new Set(Array.from({ length: random.size(6) }, () => hostileValue(random, depth + 1)));
    default:
      return nested(random.chance(0.1) ? random.size(5000) : random.size(100));
  }
}

/** An array nested `depth` deep. */
function nested(depth: number): unknown {
  let value: unknown = 0;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

/** Minimal msgpack writer for raw values: the codec's own encoder would never write these. */
export function rawMsgpack(random: Random, depth = 0): Buffer {
  if (depth > 4 || random.chance(0.4)) {
    switch (random.int(8)) {
      case 0:
        return Buffer.from([random.int(0x80)]); // positive fixint
      case 1: {
        const b = Buffer.alloc(5);
        b[0] = 0xce;
        b.writeUInt32BE(random.u32(), 1);
        return b;
      }
      case 2:
        return str(random.pick(STRINGS));
      case 3:
        return Buffer.from([random.pick([0xc0, 0xc2, 0xc3])]);
      case 4: {
        const b = Buffer.alloc(9);
        b[0] = 0xcb;
        b.writeDoubleBE(random.pick(NUMBERS), 1);
        return b;
      }
      case 5: {
        const data = random.bytes(random.size(300));
        return Buffer.concat([Buffer.from([0xc5, data.length >> 8, data.length & 0xff]), data]);
      }
      case 6:
        return Buffer.from([0xdc, 0xff, 0xff]); // an array that claims 65535 items and has none
      default:
        return random.bytes(1 + random.int(8));
    }
  }
  switch (random.int(3)) {
    case 0: {
      const items = Array.from({ length: random.int(6) }, () => rawMsgpack(random, depth + 1));
      return Buffer.concat([Buffer.from([0x90 | items.length]), ...items]);
    }
    case 1:
      return ext(random.int(64), rawMsgpack(random, depth + 1));
    default: {
      const pairs = random.int(4);
      const parts: Buffer[] = [Buffer.from([0x80 | pairs])];
      for (let i = 0; i < pairs; i++) parts.push(rawMsgpack(random, depth + 1), rawMsgpack(random, depth + 1));
      return Buffer.concat(parts);
    }
  }
}

/** An extension value as msgpackr's `write`/`read` extensions take it: fixext 1 of the type, then the value. */
export function ext(type: number, value: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0xd4, type, 0]), value]);
}

export function str(s: string): Buffer {
  const bytes = Buffer.from(s);
  if (bytes.length < 32) return Buffer.concat([Buffer.from([0xa0 | bytes.length]), bytes]);
  if (bytes.length < 256) return Buffer.concat([Buffer.from([0xd9, bytes.length]), bytes]);
  const head = Buffer.alloc(5);
  head[0] = 0xdb;
  head.writeUInt32BE(bytes.length, 1);
  return Buffer.concat([head, bytes]);
}

/** A frame: the 4-byte big-endian length, then the payload. */
export function frame(payload: Uint8Array): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(payload.length);
  return Buffer.concat([head, payload]);
}
