// Type tests of the pool's calls, checked by `tsc -p test/types` (test/types.test.ts runs it): every line below must
// compile, except each one after `@ts-expect-error`, which must not (tsc fails on a directive with no error to expect).
import { Pool, type AsyncResult } from 'multiproc';

export function countPrimes(limit: number): number {
  return limit;
}
export async function fetchName(id: number): Promise<string> {
  return String(id);
}
export function pair(a: number, b: string): [number, string] {
  return [a, b];
}
export function ping(): 'pong' {
  return 'pong';
}
export function greet(name = 'you'): string {
  return `hi ${name}`;
}

declare const pool: Pool;

// apply: args checked against the function's parameters; the result is its awaited return type.
export const primes: number = await pool.apply(countPrimes, [10]);
export const name: string = await pool.apply(fetchName, [1], { timeout: 1000 });
export const pong: 'pong' = await pool.apply(ping);
export const hello: string = await pool.apply(greet);
// @ts-expect-error an argument of the wrong type
void pool.apply(countPrimes, ['oops']);
// @ts-expect-error args left out for a function that needs them
void pool.apply(countPrimes);
// @ts-expect-error too many args
void pool.apply(countPrimes, [1, 2]);
// @ts-expect-error the result is a number, not a string
export const notAString: string = await pool.apply(countPrimes, [1]);

// map / imap / imapUnordered: items of the first parameter's type; results of the awaited return type.
export const names: string[] = await pool.map(fetchName, [1, 2, 3]);
export const fromAsync: number[] = await pool.map(countPrimes, (async function* () {
  yield 1;
})());
// @ts-expect-error items of the wrong type
void pool.map(countPrimes, ['oops']);
// @ts-expect-error results are numbers
export const mapped: string[] = await pool.map(countPrimes, [1]);
// @ts-expect-error map calls its function with one argument: pair needs two
void pool.map(pair, [1]);
for await (const value of pool.imap(fetchName, [1, 2])) {
  const checked: string = value;
  void checked;
}
for await (const value of pool.imapUnordered(countPrimes, new Set([1, 2]), { chunksize: 2 })) {
  // @ts-expect-error an imapUnordered result is a number
  const wrong: string = value;
  void wrong;
}

// starmap: tuples of the parameters.
export const pairs: Array<[number, string]> = await pool.starmap(pair, [[1, 'a'], [2, 'b']]);
// @ts-expect-error a tuple in the wrong order
void pool.starmap(pair, [['a', 1]]);

// The AsyncResult forms.
export const later: AsyncResult<string> = pool.applyAsync(fetchName, [1], { callback: (value: string) => void value });
export const many: AsyncResult<number[]> = pool.mapAsync(countPrimes, [1, 2]);
export const manyPairs: AsyncResult<Array<[number, string]>> = pool.starmapAsync(pair, [[1, 'a']]);
// @ts-expect-error the callback gets a string
void pool.applyAsync(fetchName, [1], { callback: (value: number) => void value });

// A function named by its export: not checked, the result type is given; `module` is needed.
export const resized: { width: number } = await pool.apply<{ width: number }>('resize', [640], { module: './images.js' });
export const viaMap: number[] = await pool.map<string, number>('parse', ['1'], { module: new URL('./parse.js', import.meta.url) });
// @ts-expect-error a name without module
void pool.apply('resize', [640]);
