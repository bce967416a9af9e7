// A seeded random source (xorshift128+ on 32-bit halves): a failing input is found again from its seed and index.

/** Seeded pseudo-random numbers and the choices the fuzzers make with them. */
export class Random {
  #a: number;
  #b: number;
  #c: number;
  #d: number;
  #pool: Buffer | undefined;

  constructor(seed: number) {
    // splitmix32 spreads a small seed over the state.
    const next = () => {
      seed = (seed + 0x9e3779b9) | 0;
      let z = seed;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#a = next();
    this.#b = next();
    this.#c = next();
    this.#d = next() || 1;
  }

  /** A uniform 32-bit unsigned integer (xoshiro128**). */
  u32(): number {
    const result = Math.imul(rotl(Math.imul(this.#b, 5), 7), 9) >>> 0;
    const t = this.#b << 9;
    this.#c ^= this.#a;
    this.#d ^= this.#b;
    this.#b ^= this.#c;
    this.#a ^= this.#d;
    this.#c ^= t;
    this.#d = rotl(this.#d, 11);
    return result;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return n <= 1 ? 0 : this.u32() % n;
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.u32() / 0x100000000 < p;
  }

  /** One of `items`. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** A size that is usually small and now and then large: 0–n, weighted towards 0. */
  size(n: number): number {
    return Math.floor(n * (this.u32() / 0x100000000) ** 3);
  }

  /** `n` random bytes (a copy of a random place in a pool made once from the seed: quick for large `n`). */
  bytes(n: number): Buffer {
    if (!this.#pool) {
      this.#pool = Buffer.allocUnsafe(POOL_BYTES);
      for (let i = 0; i < POOL_BYTES; i += 4) this.#pool.writeUInt32LE(this.u32(), i);
    }
    const out = Buffer.allocUnsafe(n);
    for (let at = 0; at < n; ) {
      const from = this.int(POOL_BYTES);
      at += this.#pool.copy(out, at, from, Math.min(POOL_BYTES, from + n - at));
    }
    return out;
  }
}

/** Random bytes are copied from a pool of this size. */
const POOL_BYTES = 4 * 1024 * 1024;

const rotl = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;
