// Queues used across real processes: producers, consumers, deaths.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { JoinableQueue, Process, Queue, SimpleQueue } from 'multiproc';
import {
  blockInGet,
  consume,
  consumeThenExit,
  countBytes,
  describeArgs,
  finishTasks,
  produce,
  putThenExit,
  reportBigPutsAtOnce,
  reportPutAllAtOnce,
  takeAndDie,
  tryGet,
  takeMany,
  takeOneThenHang,
  takeThreeThenStop,
  twoNextsAtOnce,
  viaGrandchild,
} from './fixtures/queue-workers.mjs';

type Item = { tag: string; i: number };

async function drain<T>(queue: Queue<T>, count: number): Promise<T[]> {
  const items: T[] = [];
  for (let i = 0; i < count; i++) items.push(await queue.get({ timeout: 30_000 }));
  return items;
}

describe('Queue across processes', () => {
  it('arrives in a child as a live Queue of the same class', async () => {
    const results = new Queue<string[]>();
    const p = new Process({ target: describeArgs, args: [results, new Queue(), new JoinableQueue(), new SimpleQueue()] }).start();
    assert.deepEqual(await results.get({ timeout: 30_000 }), ['Queue', 'JoinableQueue', 'SimpleQueue']);
    await p.join();
  });

  it('several producers and consumers in different processes: nothing lost, nothing duplicated, FIFO per producer', async () => {
    const queue = new Queue<Item>({ maxsize: 50 });
    const results = new Queue<Item>();
    const producers = ['a', 'b', 'c'].map((tag) => new Process({ target: produce, args: [queue, tag, 300] }).start());
    const consumers = [1, 2].map(() => new Process({ target: consume, args: [queue, results] }).start());
    const items = await drain(results, 900);
    await Promise.all(producers.map((p) => p.join()));
    await queue.close();
    await Promise.all(consumers.map((p) => p.join()));
    assert.equal(items.length, 900);
    const seen = new Set(items.map((x) => `${x.tag}${x.i}`));
    assert.equal(seen.size, 900, 'no duplicates');
    // Each consumer forwards in the order it took items; per producer, the owner's order is FIFO.
    for (const tag of ['a', 'b', 'c']) {
      const mine = items.filter((x) => x.tag === tag).map((x) => x.i);
      assert.deepEqual([...mine].sort((x, y) => x - y), Array.from({ length: 300 }, (_, i) => i));
    }
    assert.equal(await results.qsize(), 0);
  });

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

  it('a producer that exits right after put() loses nothing', async () => {
    const queue = new Queue<string>();
    const p = new Process({ target: putThenExit, args: [queue, 'last words'] }).start();
    await p.join();
    assert.equal(p.exitCode, 0);
    assert.equal(await queue.get({ timeout: 10_000 }), 'last words');
  });

  it('a consumer SIGKILLed while blocked in get() takes nothing with it', async () => {
    const queue = new Queue<string>();
    const ready = new Queue<string>();
    const victim = new Process({ target: blockInGet, args: [queue, ready] }).start();
    await ready.get({ timeout: 30_000 });
    // The victim's get() is now waiting in the owner.
    victim.kill();
    await queue.put('must not be lost');
    await victim.join();
    assert.equal(victim.signalCode, 'SIGKILL');
    assert.equal(await queue.get({ timeout: 10_000 }), 'must not be lost');
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
  it('a loop that stops early gives back what it fetched but did not reach, in order', async () => {
    const queue = new Queue<number>();
    const results = new Queue<number>();
    for (let i = 0; i < 20; i++) await queue.put(i);
    const child = new Process({ target: takeThreeThenStop, args: [queue, results] }).start();
    await child.join();
    assert.deepEqual(await drain(results, 3), [0, 1, 2]);
    assert.equal(await queue.qsize(), 17);
    assert.equal(await queue.get(), 3);
  });

  it('two next() calls at once on the iterator get the first two items; what was fetched and not handed out goes back at once', async () => {
    const queue = new Queue<number>();
    const results = new Queue<number[]>();
    for (let i = 0; i < 40; i++) await queue.put(i);
    const child = new Process({ target: twoNextsAtOnce, args: [queue, results, 3000] }).start();
    assert.deepEqual(await results.get({ timeout: 30_000 }), [0, 1]);
    // The consumer is still alive: the items come back because its loop gave them back, not because it died.
    for (let waited = 0; (await queue.qsize()) < 38 && waited < 5000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(await queue.qsize(), 38);
    assert.equal(await queue.get(), 2);
    await child.join();
  });

  it('a consumer SIGKILLed in the middle of a fetched batch: every item it had not reached comes back', async () => {
    const queue = new Queue<number>();
    const results = new Queue<number>();
    for (let i = 0; i < 20; i++) await queue.put(i);
    const victim = new Process({ target: takeOneThenHang, args: [queue, results] }).start();
    assert.equal(await results.get({ timeout: 30_000 }), 0);
    victim.kill();
    await victim.join();
    const rest: number[] = [];
    for (let i = 1; i < 20; i++) rest.push(await queue.get({ timeout: 10_000 }));
    assert.deepEqual(rest, Array.from({ length: 19 }, (_, i) => i + 1));
    assert.equal(await queue.qsize(), 0);
  });

  it('a consumer that calls process.exit() inside its for-await loop: the items it reached are not handed out again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'multiproc-exit-'));
    const file = join(dir, 'seen');
    const queue = new Queue<string>();
    for (const item of ['a', 'b', 'c', 'stop']) await queue.put(item);
    const child = new Process({ target: consumeThenExit, args: [queue, file] }).start();
    await child.join();
    assert.equal(child.exitCode, 0);
    assert.equal(readFileSync(file, 'utf8'), 'a\nb\nc\nstop\n');
    // Their receipts were still waiting for the loop to yield when it exited: they are written at exit.
    assert.equal(await queue.qsize(), 0);
    rmSync(dir, { recursive: true });
  });

  it('getMany() takes up to max items in one call', async () => {
    const queue = new Queue<number>();
    const results = new Queue<number[]>();
    for (let i = 0; i < 5; i++) await queue.put(i);
    const child = new Process({ target: takeMany, args: [queue, results, 3] }).start();
    assert.deepEqual(await results.get({ timeout: 30_000 }), [0, 1, 2]);
    await child.join();
    assert.deepEqual(await queue.getMany(10), [3, 4]);
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

describe('JoinableQueue across processes', () => {
  it('join() resolves when consumers in other processes have marked every item done', async () => {
    const tasks = new JoinableQueue<number>();
    const results = new Queue<number>();
    for (let i = 0; i < 50; i++) await tasks.put(i);
    const workers = [1, 2].map(() => new Process({ target: finishTasks, args: [tasks, results] }).start());
    await tasks.join({ timeout: 60_000 });
    assert.equal(await results.qsize(), 50);
    await tasks.close();
    await Promise.all(workers.map((w) => w.join()));
  });

  it('a consumer killed between get() and taskDone(): its item goes back, and join() still resolves', async () => {
    const tasks = new JoinableQueue<string>();
    const taken = new Queue<string>();
    await tasks.put('fragile');
    const victim = new Process({ target: takeAndDie, args: [tasks, taken] }).start();
    assert.equal(await taken.get({ timeout: 30_000 }), 'fragile');
    await victim.join();
    assert.equal(victim.signalCode, 'SIGKILL');
    // The item is back at the head; someone else finishes it.
    const results = new Queue<string>();
    const rescuer = new Process({ target: finishTasks, args: [tasks, results] }).start();
    await tasks.join({ timeout: 30_000 });
    assert.equal(await results.get(), 'fragile');
    await tasks.close();
    await rescuer.join();
  });

  it("with onConsumerDeath: 'done', a dead consumer's items count as done and are reported", async () => {
    const lost: Array<{ pid: number; items: string[] }> = [];
    const tasks = new JoinableQueue<string>({ onConsumerDeath: 'done', onLostItems: (l) => lost.push(l) });
    const taken = new Queue<string>();
    await tasks.put('gone');
    const victim = new Process({ target: takeAndDie, args: [tasks, taken] }).start();
    await tasks.join({ timeout: 30_000 });
    await victim.join();
    assert.deepEqual(lost, [{ pid: victim.pid, items: ['gone'] }]);
    assert.equal(await tasks.qsize(), 0);
  });
});
