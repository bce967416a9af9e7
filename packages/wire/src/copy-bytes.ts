/**
 * Copies a range of bytes without making a view of it.
 *
 * `target.set(source.subarray(start, end), at)` makes a view (a Buffer's
 * `subarray` builds a new Buffer) for every copy: for the few bytes of a small
 * message, more time and garbage than the copy itself. Up to
 * {@link LOOP_BYTES} bytes are copied one by one instead.
 *
 * @module
 */

/** Ranges up to this many bytes are copied in a loop (no view); longer ones with `set`. */
const LOOP_BYTES = 64;

/** @internal Copies `source[start, end)` into `target` at `at`. */
export function copyBytes(source: Uint8Array, start: number, end: number, target: Uint8Array, at: number): void {
  if (end - start <= LOOP_BYTES) {
    for (let i = start; i < end; i++) target[at++] = source[i]!;
  } else {
    target.set(start === 0 && end === source.length ? source : source.subarray(start, end), at);
  }
}
