// The owner-side parts of the queues, without processes (the promises of the public classes, for every backend,
// are in test/contract/).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Queue } from '@multiproc/queue';
import { QueueState } from '../src/local/queue-state.js';
import { OWNER, TakenItems, type Taker } from '../src/local/taken-items.js';
import { WaitingLine, type Waiter } from '../src/local/waiting-line.js';

describe('QueueState', () => {
  it('a take waiting when a producer\'s batch of puts arrives gets as many of them as it asked for, in order, not just the first', async () => {
    const state = new QueueState<number>({ maxsize: 0, joinable: false });
    const waiting = state.take(3, true) as Promise<number[]>;
    state.putMany([1, 2, 3, 4, 5]);
    assert.deepEqual(await waiting, [1, 2, 3]);
    assert.deepEqual(state.take(10, true), [4, 5]);
  });

  it('batches of puts into a bounded queue wake waiting getters and wait for room in order', async () => {
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

  it('the owner gives back what it took and did not use: to the head, in order, for the next taker', () => {
    const state = new QueueState<string>({ maxsize: 0, joinable: true });
    state.putMany(['a', 'b', 'c']);
    const taken = state.take(3, true) as string[];
    state.giveBack(taken.slice(1));
    assert.deepEqual(state.take(5, true), ['b', 'c']);
  });
});

describe('TakenItems', () => {
  const peer = (pid: number) => ({ pid }) as unknown as Taker;

  it("taskDone() marks the caller's own oldest item done, or, from a process that took nothing, the oldest anyone took", () => {
    const taken = new TakenItems<string>();
    const a = peer(1);
    const b = peer(2);
    taken.add(a, ['a1', 'a2']);
    taken.add(OWNER, ['o1']);
    taken.add(b, ['b1']);
    taken.done(b);
    assert.deepEqual(taken.forget(b), []);
    taken.done(peer(3)); // took nothing: the oldest is a1
    assert.deepEqual(taken.forget(a), ['a2']);
    assert.deepEqual(taken.forget(OWNER), ['o1']);
  });

  it('an item given back is no longer taken', () => {
    const taken = new TakenItems<number>();
    const a = peer(1);
    taken.add(a, [1, 2, 3]);
    taken.remove(a, 2);
    assert.deepEqual(taken.forget(a), [1, 3]);
  });
});

describe('WaitingLine', () => {
  type W = Waiter<number>;

  it('serves waiters in order, skips cancelled ones, and sweeps many of them out', async () => {
    const line = new WaitingLine<W>();
    const controllers = Array.from({ length: 100 }, () => new AbortController());
    const cancelled = controllers.map((c) => line.wait<number>(c.signal, {}).catch(() => 'cancelled'));
    const live = line.wait<number>(undefined, {});
    controllers.forEach((c) => c.abort());
    assert.equal(line.live, 1);
    line.next()!.resolve(7);
    assert.equal(await live, 7);
    assert.deepEqual(new Set(await Promise.all(cancelled)), new Set(['cancelled']));
    assert.equal(line.next(), undefined);
  });
});

describe('Queue iteration in its owner', () => {
  it('a return() while a next() waits gives the item that next() took back to the queue', async () => {
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
