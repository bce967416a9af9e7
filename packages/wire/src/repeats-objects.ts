/**
 * Whether a value may hold an object more than once — the one case in which
 * an encoder must track object identity (structured clone: an object met
 * twice, or a cycle, decodes as one object).
 *
 * msgpackr tracks identity with a new Map for every message, and an entry
 * for every object written: for a small message, a third of its encoding
 * time and most of its garbage (a pool worker allocated 200 of its 620 bytes
 * per task for it). A message that is a primitive, or a plain array of
 * primitives — a pool's result tuple, most of a protocol's small messages —
 * cannot hold an object twice, and the check for that costs a few
 * nanoseconds; everything else is tracked as before. The bytes written are
 * the same either way: without a repeat msgpackr writes no reference.
 *
 * @module
 */

/** @internal False when `value` is a primitive or a plain array of primitives (it holds no object twice); else true. */
export function mayRepeatObjects(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (!Array.isArray(value) || Object.getPrototypeOf(value) !== Array.prototype) return true;
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    if (typeof item === 'object' && item !== null) return true;
  }
  return false;
}
