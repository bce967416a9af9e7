/**
 * Items in a wake-up message, as lua/includes/framing.lua writes them: each a 4-byte big-endian length and its bytes.
 *
 * @module
 */

/** The items of `body` from byte `offset` on (views into `body`, not copies). */
export function readFramedItems(body: Buffer, offset: number): Buffer[] {
  const items: Buffer[] = [];
  let at = offset;
  while (at + 4 <= body.length) {
    const length = body.readUInt32BE(at);
    items.push(body.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  return items;
}
