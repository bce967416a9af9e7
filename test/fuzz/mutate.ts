// Byte-level mutations (as libFuzzer's): flips, interesting values, inserts, deletes, splices, length fields.
import type { Random } from './random.js';

const INTERESTING_8 = [0x00, 0x01, 0x7f, 0x80, 0xff, 0xc0, 0xc1, 0xc4, 0xc6, 0xc7, 0xc9, 0xd4, 0xd8, 0xdc, 0xdd, 0xde, 0xdf, 0x90, 0x9f, 0x80, 0x8f, 0xa0, 0xbf];
const INTERESTING_32 = [0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0x10000000, 0x0fffffff, 65536, 65535, 4, 5];

/** A mutated copy of `input` (1 to 4 mutations); `other` gives splices something to splice in. */
export function mutateBytes(random: Random, input: Buffer, other?: Buffer): Buffer {
  let out = Buffer.from(input);
  for (let n = 1 + random.int(4); n > 0; n--) out = mutateOnce(random, out, other);
  return out;
}

function mutateOnce(random: Random, input: Buffer, other: Buffer | undefined): Buffer {
  const at = () => random.int(input.length + 1);
  switch (random.int(9)) {
    case 0: {
      // flip a bit
      if (input.length === 0) return random.bytes(1);
      const i = random.int(input.length);
      input[i] = input[i]! ^ (1 << random.int(8));
      return input;
    }
    case 1: {
      // an interesting byte (msgpack type bytes among them)
      if (input.length === 0) return Buffer.from([random.pick(INTERESTING_8)]);
      input[random.int(input.length)] = random.pick(INTERESTING_8);
      return input;
    }
    case 2: {
      // an interesting 32-bit big-endian value (a length prefix, a msgpack length)
      if (input.length < 4) return Buffer.concat([input, Buffer.alloc(4)]);
      input.writeUInt32BE(random.pick(INTERESTING_32), random.int(input.length - 3));
      return input;
    }
    case 3: {
      // insert random bytes
      const i = at();
      return Buffer.concat([input.subarray(0, i), random.bytes(1 + random.size(64)), input.subarray(i)]);
    }
    case 4: {
      // delete a range
      const i = at();
      return Buffer.concat([input.subarray(0, i), input.subarray(Math.min(input.length, i + 1 + random.size(32)))]);
    }
    case 5: {
      // duplicate a range
      const i = at();
      const j = Math.min(input.length, i + 1 + random.size(64));
      return Buffer.concat([input.subarray(0, j), input.subarray(i, j), input.subarray(j)]);
    }
    case 6: {
      // splice in part of another input
      if (!other || other.length === 0) return input;
      const from = random.int(other.length);
      const piece = other.subarray(from, from + 1 + random.size(other.length));
      const i = at();
      return Buffer.concat([input.subarray(0, i), piece, input.subarray(i)]);
    }
    case 7: {
      // truncate
      return input.subarray(0, at());
    }
    default: {
      // add or subtract a little from a byte
      if (input.length === 0) return input;
      const i = random.int(input.length);
      input[i] = (input[i]! + random.int(9) - 4) & 0xff;
      return input;
    }
  }
}
