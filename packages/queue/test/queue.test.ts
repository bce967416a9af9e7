// The owner's own use of a queue: no other process involved (see test/queue-processes.test.ts for those).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JoinableQueue, Queue, SimpleQueue } from '@multiproc/queue';

describe('Queue in its owner', () => {
  it('is FIFO and counts its items', async () => {
    const q = new Queue<number>();
    for (let i = 0; i < 100; i++) await q.put(i);
    assert.equal(await q.qsize(), 100);
    assert.equal(await q.empty(), false);
    for (let i = 0; i < 100; i++) assert.equal(await q.get(), i);
    assert.equal(await q.empty(), true);
  });

  it('hands an item to the longest-waiting getter', async () => {
    const q = new Queue<string>();
    const first = q.get();
    const second = q.get();
    await q.put('a');
    await q.put('b');
    assert.equal(await first, 'a');
    assert.equal(await second, 'b');
  });

  it('bounded: put waits for room, putNowait rejects with ERR_QUEUE_FULL', async () => {
    const q = new Queue<number>({ maxsize: 2 });
    await q.put(1);
    await q.put(2);
    assert.equal(await q.full(), true);
    await assert.rejects(q.putNowait(3), { code: 'ERR_QUEUE_FULL', name: 'FullError' });
    let added = false;
    const pending = q.put(3).then(() => (added = true));
    await new Promise((r) => setImmediate(r));
    assert.equal(added, false);
    assert.equal(await q.get(), 1);
    await pending;
    assert.deepEqual([await q.get(), await q.get()], [2, 3]);
  });

  it('getNowait rejects with ERR_QUEUE_EMPTY', async () => {
    await assert.rejects(new Queue().getNowait(), { code: 'ERR_QUEUE_EMPTY', name: 'EmptyError' });
  });

  it('get({ timeout }) rejects with ERR_TIMEOUT and takes nothing: the next item goes to the next getter', async () => {
    const q = new Queue<string>();
    await assert.rejects(q.get({ timeout: 20 }), { code: 'ERR_TIMEOUT' });
    const later = q.get();
    await q.put('kept');
    assert.equal(await later, 'kept');
  });

  it('an aborted get never swallows an item', async () => {
    const q = new Queue<string>();
    const controller = new AbortController();
    const aborted = q.get({ signal: controller.signal });
    controller.abort(new Error('changed my mind'));
    await assert.rejects(aborted, { code: 'ERR_ABORTED' });
    await q.put('x');
    assert.equal(await q.qsize(), 1);
    assert.equal(await q.get(), 'x');
  });

  it('an aborted put adds nothing', async () => {
    const q = new Queue<number>({ maxsize: 1 });
    await q.put(1);
    await assert.rejects(q.put(2, { timeout: 10 }), { code: 'ERR_TIMEOUT' });
    assert.equal(await q.get(), 1);
    assert.equal(await q.qsize(), 0);
  });

  it('many timed-out gets on an empty queue leave no waiter behind', async () => {
    const q = new Queue<number>();
    for (let i = 0; i < 300; i++) await assert.rejects(q.get({ timeout: 0 }), { code: 'ERR_TIMEOUT' });
    const waiting = q.get();
    await q.put(7);
    assert.equal(await waiting, 7);
    assert.equal(await q.qsize(), 0);
  });

  it('close() wakes waiting getters, refuses puts, and lets the items left drain; for await ends', async () => {
    const q = new Queue<number>();
    await q.put(1);
    await q.put(2);
    await q.close();
    await assert.rejects(q.put(3), { code: 'ERR_CLOSED' });
    const seen: number[] = [];
    for await (const item of q) seen.push(item);
    assert.deepEqual(seen, [1, 2]);
    const empty = new Queue<number>();
    const waiting = empty.get();
    await empty.close();
    await assert.rejects(waiting, { code: 'ERR_CLOSED' });
  });

  it('refuses a bad maxsize', () => {
    assert.throws(() => new Queue({ maxsize: -1 }), { code: 'ERR_INVALID_ARGUMENT' });
    assert.throws(() => new Queue({ maxsize: 1.5 }), { code: 'ERR_INVALID_ARGUMENT' });
  });
});

describe('JoinableQueue in its owner', () => {
  it('join() resolves once every item is marked done, at once when none is pending', async () => {
    const q = new JoinableQueue<number>();
    await q.join();
    await q.put(1);
    await q.put(2);
    let joined = false;
    const joining = q.join().then(() => (joined = true));
    await q.get();
    await q.taskDone();
    await new Promise((r) => setImmediate(r));
    assert.equal(joined, false);
    await q.get();
    await q.taskDone();
    await joining;
    assert.equal(joined, true);
  });

  it('taskDone() too many times rejects with ERR_TASK_DONE_TOO_MANY', async () => {
    const q = new JoinableQueue();
    await assert.rejects(q.taskDone(), { code: 'ERR_TASK_DONE_TOO_MANY' });
  });

  it('join({ timeout }) rejects with ERR_TIMEOUT while items are unfinished', async () => {
    const q = new JoinableQueue();
    await q.put('x');
    await assert.rejects(q.join({ timeout: 10 }), { code: 'ERR_TIMEOUT' });
  });

  it('is a Queue', () => {
    assert.ok(new JoinableQueue() instanceof Queue);
  });
});

describe('SimpleQueue', () => {
  it('puts and gets without bound', async () => {
    const q = new SimpleQueue<{ n: number }>();
    for (let i = 0; i < 1000; i++) await q.put({ n: i });
    assert.equal(await q.empty(), false);
    assert.deepEqual(await q.get(), { n: 0 });
    assert.equal(q.maxsize, 0);
  });
});

describe('Queue iteration in its owner', () => {
  it('the iterator is itself iterable, and a return() while a next() waits gives the item that next() took back to the queue', async () => {
    const q = new Queue<string>();
    await q.put('a');
    await q.close();
    const seen: string[] = [];
    for await (const item of q[Symbol.asyncIterator]() as unknown as AsyncIterable<string>) seen.push(item);
    assert.deepEqual(seen, ['a']);

    const open = new Queue<string>();
    const iterator = open[Symbol.asyncIterator]();
    const pending = iterator.next(); // waits: the queue is empty
    await iterator.return!();
    await open.put('x');
    assert.deepEqual(await pending, { value: undefined, done: true });
    assert.equal(await open.get({ timeout: 1000 }), 'x', 'the item its take got went back');
    assert.deepEqual(await iterator.next(), { value: undefined, done: true });
  });
});

describe('QueueState (the owner\'s state)', () => {
  it('a getMany() waiting when a producer\'s batch of puts arrives gets as many of them as it asked for, in order, not just the first', async () => {
    const { QueueState } = await import('../src/local/queue-state.js');
    const state = new QueueState<number>({ maxsize: 0, joinable: false });
    const waiting = state.take(3, true) as Promise<number[]>;
    state.putMany([1, 2, 3, 4, 5]);
    assert.deepEqual(await waiting, [1, 2, 3]);
    assert.deepEqual(state.take(10, true), [4, 5]);
  });

  it('batches of puts into a bounded queue wake waiting getters and wait for room in order', async () => {
    const { QueueState } = await import('../src/local/queue-state.js');
    const state = new QueueState<number>({ maxsize: 2, joinable: false });
    const one = state.take(1, true) as Promise<number[]>;
    const many = state.take(2, true) as Promise<number[]>;
    const putting = state.putMany([1, 2, 3, 4, 5, 6]);
    // Two fit; the getters waiting take them (the second what there is), then two more fit and the rest waits.
    assert.deepEqual(await one, [1]);
    assert.deepEqual(await many, [2]);
    assert.ok(putting instanceof Promise, 'the rest waits for room');
    assert.deepEqual(state.take(10, true), [3, 4, 5], 'taking makes room: the waiting put goes in, behind them');
    await putting;
    assert.deepEqual(state.take(10, true), [6]);
  });
});
