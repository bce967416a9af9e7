// The iterator a consumer's `for await` runs on (internal): how it sizes its requests when the owner refuses them.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { QueueIterator, type ItemSource } from '../src/queue-iterator.js';

/** A fake owner holding `count` items of `mib` MiB: a reply of more than 256 MiB is refused (ERR_FRAME_TOO_LARGE), its items kept. */
function largeItems(count: number, mib: number) {
  let left = count;
  const log = { asks: [] as number[], refused: 0 };
  const source: ItemSource<number> = {
    take: async (ask) => {
      log.asks.push(ask);
      const n = Math.min(ask, left);
      if (n === 0) throw Object.assign(new Error('closed'), { code: 'ERR_CLOSED' });
      if (n * mib > 256) {
        log.refused++;
        throw Object.assign(new Error('too large'), { code: 'ERR_FRAME_TOO_LARGE' });
      }
      left -= n;
      return { items: Array.from({ length: n }, (_, i) => count - left - n + i), ack: () => {}, release: () => {} };
    },
  };
  return { source, log };
}

it('a request refused as too large is asked again at half the size, and later requests stay under it: every item comes, in order, after few refusals', async () => {
  const { source, log } = largeItems(200, 20);
  const got: number[] = [];
  for await (const item of new QueueIterator(source)) got.push(item);
  assert.deepEqual(got, Array.from({ length: 200 }, (_, i) => i));
  // Fast loops ask for up to 1 024 items: without a cap each batch would start too big and be halved down again
  // (160 refusals here, each an encode of gigabytes in a real owner).
  assert.ok(log.refused <= 6, `refused ${log.refused} times: ${log.asks.join(',')}`);
});

it('a loop over an item that cannot be sent asks down to that one item, then throws its error', async () => {
  const asks: number[] = [];
  const source: ItemSource<number> = {
    take: async (ask) => {
      asks.push(ask);
      throw Object.assign(new Error('cannot be sent'), { code: 'ERR_ENCODE' });
    },
  };
  await assert.rejects(async () => {
    for await (const _ of new QueueIterator(source)) assert.fail('no item');
  }, { code: 'ERR_ENCODE' });
  assert.deepEqual(asks, [16, 8, 4, 2, 1]);
});
