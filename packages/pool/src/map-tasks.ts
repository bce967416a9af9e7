/**
 * Chunking for map/starmap, and the lazy, bounded iteration behind imap/imapUnordered.
 *
 * @module
 */
import { InvalidArgumentError } from '@multiproc/wire';
import type { TaskOptions } from './task.js';

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

/**
 * Pulls chunks of `items` lazily, keeps at most `buffersize` submitted ahead of the
 * consumer, and yields results in input order (`ordered`) or as chunks finish.
 */
export async function* iterateResults<T, R>(
  items: Iterable<T> | AsyncIterable<T>,
  options: ImapOptions,
  processes: number,
  ordered: boolean,
  submit: (chunk: T[]) => Promise<R[]>,
): AsyncGenerator<R> {
  const size = options.chunksize ?? 1;
  const buffer = options.buffersize ?? processes * 8;
  if (!Number.isInteger(size) || size < 1) throw new InvalidArgumentError(`Pool.imap(): chunksize must be a whole number ≥ 1, got ${String(size)}.`);
  if (!Number.isInteger(buffer) || buffer < 1) throw new InvalidArgumentError(`Pool.imap(): buffersize must be a whole number ≥ 1, got ${String(buffer)}.`);
  const isAsync = Symbol.asyncIterator in items;
  const source = (isAsync ? items[Symbol.asyncIterator]() : (items as Iterable<T>)[Symbol.iterator]()) as AsyncIterator<T> | Iterator<T>;
  type Pending = { promise: Promise<{ pending: Pending; results: R[] }>; };
  const inFlight: Pending[] = [];
  let exhausted = false;
  let done = 0;
  const fill = async () => {
    while (!exhausted && inFlight.length < buffer) {
      const chunk: T[] = [];
      while (chunk.length < size) {
        // A sync source is read without an await per item (a microtask each, a million of them for a million items).
        const next = isAsync ? await (source as AsyncIterator<T>).next() : (source as Iterator<T>).next();
        if (next.done) {
          exhausted = true;
          break;
        }
        chunk.push(next.value);
      }
      if (chunk.length === 0) break;
      const pending = {} as Pending;
      pending.promise = submit(chunk).then((results) => ({ pending, results }));
      // A rejection is raised where it is awaited; until then it must not count as unhandled.
      pending.promise.catch(() => {});
      inFlight.push(pending);
    }
  };
  try {
    await fill();
    while (inFlight.length > 0) {
      const { pending, results } = ordered ? await inFlight[0]!.promise : await Promise.race(inFlight.map((p) => p.promise));
      inFlight.splice(inFlight.indexOf(pending), 1);
      done += results.length;
      options.onProgress?.(done, -1);
      await fill();
      yield* results;
    }
  } finally {
    // The consumer stopped early: stop pulling input (results still in flight are dropped).
    if (!exhausted) await (source as AsyncIterator<T>).return?.();
  }
}
