// Queues of the process-local backend across real processes: what is particular to it (routes, puts of one tick
// travelling together, items too large or that cannot be sent). The promises every backend keeps, deaths
// included, are in test/contract/.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Event, Process, Queue } from 'multiproc';
import { local } from './contract/local-backend.js';
import { killConsumersMidBatch } from './contract/queue.contract.js';
import {
  consume,
  countBytes,
  produce,
  reportBigPutsAtOnce,
  reportPutAllAtOnce,
  tryGet,
  takeMany,
  twoNextsAtOnce,
  viaGrandchild,
} from './fixtures/queue-workers.mjs';

type Item = { tag: string; i: number };

async function drain<T>(queue: Queue<T>, count: number): Promise<T[]> {
  const items: T[] = [];
  for (let i = 0; i < count; i++) items.push(await queue.get({ timeout: 30_000 }));
  return items;
}

describe('Queue across processes (see test/contract for the promises every backend keeps)', () => {
  it('with one consumer, items of one producer arrive in the order they were put', async () => {
    const queue = new Queue<Item>();
    const results = new Queue<Item>();
    const producer = new Process({ target: produce, args: [queue, 'x', 500] }).start();
    const consumer = new Process({ target: consume, args: [queue, results] }).start();
    const items = await drain(results, 500);
    assert.deepEqual(items.map((x) => x.i), Array.from({ length: 500 }, (_, i) => i));
    await producer.join();
    await queue.close();
    await consumer.join();
  });

  it('a queue passed on to a grandchild reaches the same owner', async () => {
    const queue = new Queue<Item>();
    const p = new Process({ target: viaGrandchild, args: [queue, 'g'] }).start();
    const items = await drain(queue, 3);
    assert.deepEqual(items, [0, 1, 2].map((i) => ({ tag: 'g', i })));
    await p.join();
  });
});

describe('Queue iteration in another process fetches ahead, and loses nothing', () => {
  it('two next() calls at once on the iterator get the first two items; what was fetched and not handed out goes back at once', async () => {
    const queue = new Queue<number>();
    const results = new Queue<number[]>();
    const done = new Event();
    for (let i = 0; i < 40; i++) await queue.put(i);
    const child = new Process({ target: twoNextsAtOnce, args: [queue, results, done] }).start();
    assert.deepEqual(await results.get({ timeout: 30_000 }), [0, 1]);
    // The consumer is still alive (it waits for done): the items came back because its loop gave them back.
    assert.equal(await queue.qsize(), 38);
    assert.equal(await queue.get(), 2);
    await done.set();
    await child.join();
  });

  it('getMany() in another process takes up to max items in one call', async () => {
    const queue = new Queue<number>();
    const results = new Queue<number[]>();
    for (let i = 0; i < 5; i++) await queue.put(i);
    const child = new Process({ target: takeMany, args: [queue, results, 3] }).start();
    assert.deepEqual(await results.get({ timeout: 30_000 }), [0, 1, 2]);
    await child.join();
    assert.deepEqual(await queue.getMany(10), [3, 4]);
  });
});

describe('receipts without the receipts file', () => {
  it('with MULTIPROC_RECEIPTS_FILE=off a consumer writes each acknowledgement to its socket at once: 4 kills inside for-await batches, no item its code saw handed out again', async () => {
    const { seen, missing, kills } = await killConsumersMidBatch(local, 'queue', undefined, { kills: 4, env: { ...process.env, MULTIPROC_RECEIPTS_FILE: 'off' } });
    assert.deepEqual(seen.duplicates, [], `${seen.duplicates.length} items handed out twice after ${kills} kills`);
    assert.ok(missing.length <= kills, `${missing.length} items missing after ${kills} kills`);
  });
});

describe('items that cannot travel', () => {
  it('an item the owner took in before the queue was shared, and cannot send: the taker that reaches it gets ERR_ENCODE, and it is removed, so it blocks nobody', async () => {
    const queue = new Queue<unknown>();
    const results = new Queue<string>();
    await queue.put({ fn: () => 1 }); // not shared yet: never encoded
    await queue.put('good');
    const child = new Process({ target: tryGet, args: [queue, results] }).start();
    const [code, next] = [await results.get({ timeout: 30_000 }), await results.get({ timeout: 30_000 })];
    assert.equal(code, 'ERR_ENCODE');
    assert.equal(next, 'good');
    await child.join();
    assert.equal(await queue.qsize(), 0);
  });

  it("once the queue is shared, the owner's own put() of an item that cannot be sent rejects with ERR_ENCODE, as a remote put() does", async () => {
    const queue = new Queue<unknown>();
    const results = new Queue<string>();
    const child = new Process({ target: tryGet, args: [queue, results] }).start();
    await assert.rejects(queue.put({ fn: () => 1 }), { code: 'ERR_ENCODE', message: /Queue\.put\(\)/ });
    await assert.rejects(queue.put(Symbol('no')), { code: 'ERR_ENCODE' });
    await assert.rejects(queue.putNowait(() => 0), { code: 'ERR_ENCODE' });
    await queue.put('good');
    assert.equal(await results.get({ timeout: 30_000 }), 'good');
    await queue.put('second');
    assert.equal(await results.get({ timeout: 30_000 }), 'second');
    await child.join();
  });
});

describe('puts of one tick travel together', () => {
  it('500 puts without awaiting each arrive all, in order', async () => {
    const queue = new Queue<number>();
    const results = new Queue<string[]>();
    const child = new Process({ target: reportPutAllAtOnce, args: [queue, results, 500, false] }).start();
    assert.deepEqual(await results.get({ timeout: 30_000 }), []);
    assert.deepEqual(await drain(queue, 500), Array.from({ length: 500 }, (_, i) => i));
    await child.join();
  });

  it('an item that cannot be sent fails alone; the others of its tick arrive, in order', async () => {
    const queue = new Queue<number>();
    const results = new Queue<string[]>();
    const child = new Process({ target: reportPutAllAtOnce, args: [queue, results, 10, true] }).start();
    assert.deepEqual(await results.get({ timeout: 30_000 }), ['ERR_ENCODE']);
    assert.deepEqual(await drain(queue, 9), [0, 1, 2, 3, 4, 6, 7, 8, 9]);
    await child.join();
  });

  it('puts of one tick more than one message may hold (270 MiB; maxFrameBytes is 256 MiB) go one by one, all arrive, and before what the producer sent after them', async () => {
    const queue = new Queue<Buffer | string>();
    const results = new Queue<string[]>();
    const child = new Process({ target: reportBigPutsAtOnce, args: [queue, results, 270, 1] }).start();
    assert.deepEqual(await results.get({ timeout: 60_000 }), []);
    const items = await drain(queue, 271);
    assert.equal(items.pop(), 'END');
    assert.ok(items.every((item) => item.length === 1024 * 1024));
    await child.join();
    assert.equal(child.exitCode, 0);
  });
});

describe('large items', () => {
  it('a consumer iterating items whose batch would be more than one message may hold asks for fewer and gets them all', async () => {
    const MiB = 1024 * 1024;
    const queue = new Queue<Buffer>();
    const results = new Queue<number[]>();
    // 20 items of 20 MiB: the loop's first request (16 items, 320 MiB) is over the 256 MiB a message may hold.
    const bytes = Buffer.alloc(20 * 20 * MiB);
    for (let i = 0; i < 20; i++) await queue.put(bytes.subarray(i * 20 * MiB, (i + 1) * 20 * MiB));
    queue.close();
    const child = new Process({ target: countBytes, args: [queue, results] }).start();
    assert.deepEqual(await results.get({ timeout: 60_000 }), [20, 20 * 20 * MiB]);
    await child.join();
    assert.equal(child.exitCode, 0);
  });
});
