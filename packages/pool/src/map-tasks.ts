/**
 * Chunking for map/starmap, and the options of imap/imapUnordered (whose iteration is result-iterator.ts).
 *
 * @module
 */
import { InvalidArgumentError } from '@multiproc/wire';
import type { TaskOptions } from './pool-options.js';

/** Options of `imap` / `imapUnordered`. */
export interface ImapOptions extends TaskOptions {
  /** Items per task. @default 1 */
  chunksize?: number;
  /**
   * Chunks submitted ahead of the consumer at most; memory stays flat however long the input.
   * Enough to keep the workers busy while results travel back (tiny tasks need more in flight).
   * @default processes × 8
   */
  buffersize?: number;
  /** Called as chunks finish, with the items done so far (the total is unknown: -1). */
  onProgress?: ((done: number, total: number) => void) | undefined;
}

/** Python's default: about four chunks per worker. */
export function defaultChunksize(length: number, processes: number): number {
  if (length === 0) return 1;
  return Math.max(1, Math.ceil(length / (processes * 4)));
}

/** Splits `list` into arrays of `size`. */
export function chunked<T>(list: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < list.length; i += size) chunks.push(list.slice(i, i + size));
  return chunks;
}

/** Waits for every chunk, reporting progress, and joins their results in order. */
export async function collectOrdered(chunks: Array<Promise<unknown[]>>, total: number, onProgress?: (done: number, total: number) => void): Promise<unknown[]> {
  if (onProgress) {
    let done = 0;
    for (const chunk of chunks) void chunk.then((results) => onProgress((done += results.length), total), () => {});
  }
  const parts = await Promise.all(chunks);
  if (parts.length === 1) return parts[0]!;
  // A plain copy into one array: Array.prototype.flat was half of a 10 M-item map's parent time.
  const all = new Array<unknown>(total);
  let at = 0;
  for (const part of parts) for (let i = 0; i < part.length; i++) all[at++] = part[i];
  all.length = at;
  return all;
}

/** `items` as an array: an array as it is, an iterable spread, an async iterable read to its end. */
export async function listOf(call: string, items: Iterable<unknown> | AsyncIterable<unknown>): Promise<unknown[]> {
  if (Array.isArray(items)) return items;
  if (items != null && typeof (items as Iterable<unknown>)[Symbol.iterator] === 'function') return [...(items as Iterable<unknown>)];
  if (items != null && typeof (items as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
    const list: unknown[] = [];
    for await (const item of items as AsyncIterable<unknown>) list.push(item);
    return list;
  }
  throw new InvalidArgumentError(`${call}: items must be iterable (an array, a Set, a generator…) or async iterable, got ${String(items)}.`);
}
