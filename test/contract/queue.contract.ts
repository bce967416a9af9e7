// The promises of Queue, JoinableQueue and SimpleQueue, for any backend (see backend.ts).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Lock, Process, Queue, WAITERS, type QueueWaiters } from 'multiproc';
import { later, until, type ContractBackend, type ContractSuite } from './backend.js';
import {
  dieBeforeGetLeaves,
  echoArgs,
  finish,
  forward,
  getWithDeadline,
  markOneDone,
  parkInGet,
  produce,
  putThenExit,
  putWithDeadline,
  recordEach,
  recordThenExit,
  takeOneAndWait,
  takeOneThenHang,
  takeThreeThenStop,
  waitInGet,
} from './fixtures/queue-parties.mjs';

type Item = { tag: string; i: number };

const waiters = (queue: Queue<unknown>): Promise<QueueWaiters> => queue[WAITERS]();
const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);

async function drain<T>(queue: Queue<T>, count: number): Promise<T[]> {
  const items: T[] = [];
  for (let i = 0; i < count; i++) items.push(await queue.get({ timeout: 30_000 }));
  return items;
}

/** A Lock the victim holds: the test can take it once the backend noticed the victim's death (the same notice returns its items). */
async function deathWatch(backend: ContractBackend): Promise<{ lock: Lock; noticed: () => Promise<void> }> {
  const lock = (await backend.lock('Lock')) as Lock;
  return {
    lock,
    noticed: async () => {
      assert.equal(await lock.acquire({ timeout: 30_000 }), true, 'the victim held the watch');
      assert.equal(lock.ownerDied, true, 'the watch came back from the dead victim');
      await lock.release();
    },
  };
}

const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);

export const queueContract: ContractSuite = (backendOf) => {
  describe('Queue: one process', () => {
    it('is FIFO and counts its items', async () => {
      const q = await backendOf().queue<number>();
      for (let i = 0; i < 100; i++) await q.put(i);
      assert.equal(await q.qsize(), 100);
      assert.equal(await q.empty(), false);
      assert.deepEqual(await drain(q, 100), range(100));
      assert.equal(await q.empty(), true);
    });

    it('hands each item to the longest-waiting getter', async () => {
      const q = await backendOf().queue<string>();
      const first = q.get();
      await until('the first getter waits', () => waiters(q), (w) => w.getters === 1);
      const second = q.get();
      await until('both getters wait', () => waiters(q), (w) => w.getters === 2);
      await q.put('a');
      await q.put('b');
      assert.equal(await first, 'a');
      assert.equal(await second, 'b');
    });

    it('bounded: put() waits for room (FIFO behind the items), putNowait() rejects with ERR_QUEUE_FULL', async () => {
      const q = await backendOf().queue<number>({ maxsize: 2 });
      assert.equal(q.maxsize, 2);
      await q.put(1);
      await q.put(2);
      assert.equal(await q.full(), true);
      await assert.rejects(q.putNowait(3), { code: 'ERR_QUEUE_FULL', name: 'FullError' });
      let added = false;
      const pending = q.put(3).then(() => (added = true));
      await until('the put waits for room', () => waiters(q), (w) => w.putters === 1);
      assert.equal(added, false);
      assert.equal(await q.get(), 1);
      await pending;
      assert.deepEqual([await q.get(), await q.get()], [2, 3]);
    });

    it('getNowait() rejects with ERR_QUEUE_EMPTY; getMany() takes up to max', async () => {
      const q = await backendOf().queue<number>();
      await assert.rejects(q.getNowait(), { code: 'ERR_QUEUE_EMPTY', name: 'EmptyError' });
      for (let i = 0; i < 5; i++) await q.put(i);
      assert.equal(await q.getNowait(), 0);
      assert.deepEqual(await q.getMany(3), [1, 2, 3]);
      assert.deepEqual(await q.getMany(10), [4]);
    });

    for (const how of ['timeout', 'signal'] as const) {
      it(`a get() cancelled by its ${how} takes nothing: the next item goes to the next getter`, async () => {
        const q = await backendOf().queue<string>();
        const controller = new AbortController();
        const cancelled = q.get(how === 'timeout' ? { timeout: 50 } : { signal: controller.signal });
        await until('the get waits', () => waiters(q), (w) => w.getters === 1);
        controller.abort(new Error('changed my mind'));
        await assert.rejects(cancelled, { code: how === 'timeout' ? 'ERR_TIMEOUT' : 'ERR_ABORTED' });
        await until('no getter left', () => waiters(q), (w) => w.getters === 0);
        const later = q.get();
        await q.put('kept');
        assert.equal(await later, 'kept');
        assert.equal(await q.qsize(), 0);
      });

      it(`a put() cancelled by its ${how} adds nothing`, async () => {
        const q = await backendOf().queue<number>({ maxsize: 1 });
        await q.put(1);
        const controller = new AbortController();
        const cancelled = q.put(2, how === 'timeout' ? { timeout: 50 } : { signal: controller.signal });
        await until('the put waits', () => waiters(q), (w) => w.putters === 1);
        controller.abort();
        await assert.rejects(cancelled, { code: how === 'timeout' ? 'ERR_TIMEOUT' : 'ERR_ABORTED' });
        assert.equal(await q.get(), 1);
        assert.equal(await q.qsize(), 0);
      });
    }

    it('a signal already aborted rejects at once with ERR_ABORTED; a get with timeout 0 on an empty queue with ERR_TIMEOUT', async () => {
      const q = await backendOf().queue<number>();
      await assert.rejects(q.get({ signal: AbortSignal.abort() }), { code: 'ERR_ABORTED' });
      for (let i = 0; i < 100; i++) await assert.rejects(q.get({ timeout: 0 }), { code: 'ERR_TIMEOUT' });
      await until('no getter left', () => waiters(q), (w) => w.getters === 0);
    });

    it('close() wakes waiting getters and putters with ERR_CLOSED, refuses puts, lets the items left drain; for await ends; closing twice is fine', async () => {
      const q = await backendOf().queue<number>({ maxsize: 2 });
      await q.put(1);
      await q.put(2);
      const putter = later(q.put(3));
      await until('the put waits', () => waiters(q), (w) => w.putters === 1);
      await q.close();
      await q.close();
      await assert.rejects(putter, { code: 'ERR_CLOSED' });
      await assert.rejects(q.put(4), { code: 'ERR_CLOSED' });
      await assert.rejects(q.putNowait(4), { code: 'ERR_CLOSED' });
      const seen: number[] = [];
      for await (const item of q) seen.push(item);
      assert.deepEqual(seen, [1, 2]);
      await assert.rejects(q.get(), { code: 'ERR_CLOSED' });
      await assert.rejects(q.getNowait(), { code: 'ERR_CLOSED' });
      const empty = await backendOf().queue<number>();
      const waiting = later(empty.get());
      await until('the get waits', () => waiters(empty), (w) => w.getters === 1);
      await empty.close();
      await assert.rejects(waiting, { code: 'ERR_CLOSED' });
    });

    it('a loop that stops early gives back what it had not reached, in order', async () => {
      const q = await backendOf().queue<number>();
      for (let i = 0; i < 20; i++) await q.put(i);
      const seen: number[] = [];
      for await (const item of q) {
        seen.push(item);
        if (seen.length === 3) break;
      }
      assert.deepEqual(seen, [0, 1, 2]);
      assert.equal(await q.qsize(), 17);
      assert.equal(await q.get(), 3);
    });

    it('bad arguments: ERR_INVALID_ARGUMENT at the call, naming the form to write', async () => {
      const backend = backendOf();
      const q = await backend.queue<number>();
      for (const timeout of [-5, NaN, '1' as unknown as number]) {
        await assert.rejects(q.get({ timeout }), { code: 'ERR_INVALID_ARGUMENT', message: /timeout must be a number of milliseconds/ });
        await assert.rejects(q.put(1, { timeout }), { code: 'ERR_INVALID_ARGUMENT' });
      }
      // Python's positional (block, timeout) forms.
      const get = q.get as unknown as (block: boolean, timeout: number) => Promise<number>;
      await assert.rejects(get.call(q, true, 0.1), {
        code: 'ERR_INVALID_ARGUMENT',
        message: /Queue\.get\(\): takes an options object, got true\. Python's positional \(block, timeout\) arguments are not taken here: write get\(\{ timeout: 100 \}\), or getNowait\(\) for get\(False\) \(timeouts are in milliseconds\)\./,
      });
      const put = q.put as unknown as (item: number, block: boolean, timeout: number) => Promise<void>;
      await assert.rejects(put.call(q, 1, true, 0.1), { code: 'ERR_INVALID_ARGUMENT', message: /write put\(item, \{ timeout: 100 \}\)/ });
      await assert.rejects(q.get({ signal: 'stop' as unknown as AbortSignal }), { code: 'ERR_INVALID_ARGUMENT', message: /AbortSignal/ });
      await assert.rejects(q.getMany(0), { code: 'ERR_INVALID_ARGUMENT' });
      assert.equal(await q.qsize(), 0, 'nothing was added by a refused put');
      await assert.rejects(backend.queue({ maxsize: -1 }), { code: 'ERR_INVALID_ARGUMENT' });
      await assert.rejects(backend.queue({ maxsize: 1.5 }), { code: 'ERR_INVALID_ARGUMENT' });
    });
  });

  describe('JoinableQueue: one process', () => {
    it('join() resolves once every item is marked done, at once when none is pending; taskDone() too often is ERR_TASK_DONE_TOO_MANY', async () => {
      const q = await backendOf().joinableQueue<number>();
      await q.join();
      await assert.rejects(q.taskDone(), { code: 'ERR_TASK_DONE_TOO_MANY' });
      await q.put(1);
      await q.put(2);
      let joined = false;
      const joining = q.join().then(() => (joined = true));
      await until('the join waits', () => waiters(q), (w) => w.joiners === 1);
      await q.get();
      await q.taskDone();
      await q.get();
      assert.equal(joined, false);
      await q.taskDone();
      await joining;
      await assert.rejects(q.taskDone(), { code: 'ERR_TASK_DONE_TOO_MANY' });
    });

    it('join() cancelled by its timeout or signal rejects, and leaves no joiner behind', async () => {
      const q = await backendOf().joinableQueue<string>();
      await q.put('x');
      await assert.rejects(q.join({ timeout: 10 }), { code: 'ERR_TIMEOUT' });
      const controller = new AbortController();
      const joining = q.join({ signal: controller.signal });
      await until('the join waits', () => waiters(q), (w) => w.joiners === 1);
      controller.abort();
      await assert.rejects(joining, { code: 'ERR_ABORTED' });
      assert.equal((await waiters(q)).joiners, 0);
      const join = q.join as unknown as (timeout: number) => Promise<void>;
      await assert.rejects(join.call(q, 0.1), { code: 'ERR_INVALID_ARGUMENT', message: /write join\(\{ timeout: 100 \}\)/ });
    });
  });

  describe('SimpleQueue: one process', () => {
    it('puts and gets without bound; empty() after this process closed it rejects with ERR_CLOSED (Python raises)', async () => {
      const q = await backendOf().simpleQueue<{ n: number }>();
      for (let i = 0; i < 1000; i++) await q.put({ n: i });
      assert.equal(q.maxsize, 0);
      assert.equal(await q.empty(), false);
      assert.deepEqual(await q.get(), { n: 0 });
      await q.close();
      await assert.rejects(q.empty(), { code: 'ERR_CLOSED', message: /SimpleQueue\.empty\(\)/ });
    });
  });

  if (!backendOf().capabilities.crossProcess) return;
  queueAcrossProcesses(backendOf);
};

function queueAcrossProcesses(backendOf: () => ContractBackend): void {
  describe('Queue: across processes', () => {
    it('arrives in a child as the same class, and as the same object when it comes back to its owner', async () => {
      const backend = backendOf();
      const queues = [await backend.queue<string>(), await backend.joinableQueue<string>(), await backend.simpleQueue<string>()];
      const results = await backend.queue<unknown[]>();
      const child = new Process({ target: echoArgs, args: [results, ...queues] }).start();
      const [names, back] = (await results.get({ timeout: 30_000 })) as [string[], Queue<string>[]];
      await child.join();
      assert.deepEqual(names, ['Queue', 'JoinableQueue', 'SimpleQueue']);
      assert.deepEqual(back.map((q) => q.constructor.name), names);
      if (queues[0]!.isOwner) back.forEach((q, i) => assert.equal(q, queues[i], "in its owner, a queue that comes back is the owner's own object"));
      await back[0]!.put('through the returned one');
      assert.equal(await queues[0]!.get({ timeout: 10_000 }), 'through the returned one');
    });

    it('producers and consumers in several processes: nothing lost, nothing twice, FIFO per producer', async () => {
      const backend = backendOf();
      const queue = await backend.queue<Item>({ maxsize: 50 });
      const results = await backend.queue<Item>();
      const producers = ['a', 'b', 'c'].map((tag) => new Process({ target: produce, args: [queue, tag, 300] }).start());
      const consumers = [1, 2].map(() => new Process({ target: forward, args: [queue, results] }).start());
      const items = await drain(results, 900);
      await Promise.all(producers.map((p) => p.join()));
      await queue.close();
      await Promise.all(consumers.map((p) => p.join()));
      assert.equal(new Set(items.map((x) => `${x.tag}${x.i}`)).size, 900, 'no duplicates');
      for (const tag of ['a', 'b', 'c']) {
        const mine = items.filter((x) => x.tag === tag).map((x) => x.i);
        assert.deepEqual([...mine].sort((x, y) => x - y), range(300));
      }
      assert.equal(await results.qsize(), 0);
    });

    it('a producer that exits right after put() loses nothing', async () => {
      const queue = await backendOf().queue<string>();
      const p = new Process({ target: putThenExit, args: [queue, 'last words'] }).start();
      await p.join();
      assert.equal(p.exitCode, 0);
      assert.equal(await queue.get({ timeout: 10_000 }), 'last words');
    });

    it('a loop in another process that stops early gives back what it fetched ahead, in order', async () => {
      const backend = backendOf();
      const queue = await backend.queue<number>();
      const results = await backend.queue<number>();
      for (let i = 0; i < 20; i++) await queue.put(i);
      const child = new Process({ target: takeThreeThenStop, args: [queue, results] }).start();
      await child.join();
      assert.deepEqual(await drain(results, 3), [0, 1, 2]);
      assert.equal(await queue.qsize(), 17);
      assert.equal(await queue.get(), 3);
    });

    it('a consumer that calls process.exit() inside its loop: the items it reached are not handed out again', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'multiproc-contract-'));
      const file = join(dir, 'seen');
      const queue = await backendOf().queue<string>();
      for (const item of ['a', 'b', 'c', 'stop', 'left']) await queue.put(item);
      const child = new Process({ target: recordThenExit, args: [queue, file] }).start();
      await child.join();
      assert.equal(child.exitCode, 0);
      assert.deepEqual(lines(file), ['a', 'b', 'c', 'stop']);
      assert.equal(await queue.get({ timeout: 10_000 }), 'left', 'the items it fetched ahead came back; the ones it reached did not');
      rmSync(dir, { recursive: true });
    });

    for (const how of ['timeout', 'signal'] as const) {
      it(`a get() in another process cancelled by its ${how} after it reached the backend swallows no item: the next getter is served`, async () => {
        const backend = backendOf();
        const queue = await backend.queue<string>();
        const results = await backend.queue<[string, string]>();
        const cancelNow = await backend.event();
        const child = new Process({ target: getWithDeadline, args: [queue, results, how, 2000, cancelNow] }).start();
        await until('the remote get waits', () => waiters(queue), (w) => w.getters === 1);
        await cancelNow.set();
        assert.deepEqual(await results.get({ timeout: 30_000 }), ['error', how === 'timeout' ? 'ERR_TIMEOUT' : 'ERR_ABORTED']);
        await until('no getter left', () => waiters(queue), (w) => w.getters === 0);
        await queue.put('for the next getter');
        assert.equal(await queue.get({ timeout: 10_000 }), 'for the next getter');
        await child.join();
      });

      it(`a put() in another process cancelled by its ${how} while the queue is full adds nothing`, async () => {
        const backend = backendOf();
        const queue = await backend.queue<string>({ maxsize: 1 });
        const results = await backend.queue<[string, string?]>();
        const cancelNow = await backend.event();
        await queue.put('first');
        const child = new Process({ target: putWithDeadline, args: [queue, results, 'never', how, 2000, cancelNow] }).start();
        await until('the remote put waits', () => waiters(queue), (w) => w.putters === 1);
        await cancelNow.set();
        assert.deepEqual(await results.get({ timeout: 30_000 }), ['error', how === 'timeout' ? 'ERR_TIMEOUT' : 'ERR_ABORTED']);
        assert.equal(await queue.get(), 'first');
        assert.equal(await queue.qsize(), 0);
        await child.join();
      });
    }
  });
}

/** The kill points of a consumer, for backends that notice a process's death (`detectsDeath`; a suite of its own: it is long). */
export const queueKillContract: ContractSuite = (backendOf) => {
  if (!backendOf().capabilities.crossProcess || !backendOf().capabilities.detectsDeath) return;
  describe('Queue: a consumer SIGKILLed', () => {
    it('before its get() left it: nothing is waiting for it, and the next item goes to the next getter', async () => {
      const backend = backendOf();
      const queue = await backend.queue<string>();
      const watch = await deathWatch(backend);
      const victim = new Process({ target: dieBeforeGetLeaves, args: [queue, watch.lock] }).start();
      await victim.join();
      assert.equal(victim.signalCode, 'SIGKILL');
      await watch.noticed();
      assert.equal((await waiters(queue)).getters, 0);
      await queue.put('must not be lost');
      assert.equal(await queue.get({ timeout: 10_000 }), 'must not be lost');
    });

    it('while its get() waits in the backend: it takes nothing with it', async () => {
      const backend = backendOf();
      const queue = await backend.queue<string>();
      const watch = await deathWatch(backend);
      const victim = new Process({ target: waitInGet, args: [queue, watch.lock] }).start();
      await until('the remote get waits', () => waiters(queue), (w) => w.getters === 1);
      victim.kill();
      await victim.join();
      await watch.noticed();
      await queue.put('must not be lost');
      assert.equal(await queue.get({ timeout: 10_000 }), 'must not be lost');
    });

    it('after its item reached its process but before its code saw it: the item comes back', async () => {
      const backend = backendOf();
      const queue = await backend.queue<string>();
      const parked = await backend.event();
      const watch = await deathWatch(backend);
      const victim = new Process({ target: parkInGet, args: [queue, parked, watch.lock] }).start();
      assert.equal(await parked.wait({ timeout: 30_000 }), true);
      await until('the remote get waits', () => waiters(queue), (w) => w.getters === 1);
      await queue.put('in flight');
      await until('the item left for the victim', () => queue.qsize(), (n) => n === 0);
      victim.kill();
      await victim.join();
      await watch.noticed();
      assert.equal(await queue.get({ timeout: 10_000 }), 'in flight');
    });

    it('in the middle of a fetched batch: every item its code had not reached comes back, in order', async () => {
      const backend = backendOf();
      const queue = await backend.queue<number>();
      const results = await backend.queue<number>();
      const watch = await deathWatch(backend);
      for (let i = 0; i < 20; i++) await queue.put(i);
      const victim = new Process({ target: takeOneThenHang, args: [queue, results, watch.lock] }).start();
      assert.equal(await results.get({ timeout: 30_000 }), 0);
      victim.kill();
      await victim.join();
      await watch.noticed();
      assert.deepEqual(await queue.getMany(100), range(19, 1));
    });
  });

  describe('JoinableQueue: a consumer SIGKILLed', () => {
    it('between get() and taskDone(): its item goes back, and join() resolves once another finishes it', async () => {
      const backend = backendOf();
      const tasks = await backend.joinableQueue<string>();
      const taken = await backend.queue<string>();
      const watch = await deathWatch(backend);
      await tasks.put('fragile');
      const victim = new Process({ target: takeOneAndWait, args: [tasks, taken, watch.lock] }).start();
      assert.equal(await taken.get({ timeout: 30_000 }), 'fragile');
      victim.kill();
      await victim.join();
      await watch.noticed();
      const results = await backend.queue<string>();
      const rescuer = new Process({ target: finish, args: [tasks, results] }).start();
      await tasks.join({ timeout: 30_000 });
      assert.equal(await results.get(), 'fragile');
      await tasks.close();
      await rescuer.join();
    });

    it('after another process marked its item done: join() resolved, and its death brings nothing back', async () => {
      const backend = backendOf();
      const tasks = await backend.joinableQueue<string>();
      const taken = await backend.queue<string>();
      const watch = await deathWatch(backend);
      await tasks.put('x');
      const victim = new Process({ target: takeOneAndWait, args: [tasks, taken, watch.lock] }).start();
      assert.equal(await taken.get({ timeout: 30_000 }), 'x');
      const helper = new Process({ target: markOneDone, args: [tasks] }).start();
      await helper.join();
      await tasks.join({ timeout: 30_000 });
      victim.kill();
      await victim.join();
      await watch.noticed();
      assert.equal(await tasks.qsize(), 0, 'the dead consumer\'s item was done: it does not come back');
      await tasks.join({ timeout: 1000 });
      await tasks.put('y');
      assert.equal(await tasks.get(), 'y');
      await tasks.taskDone();
      await tasks.join({ timeout: 30_000 });
      await assert.rejects(tasks.taskDone(), { code: 'ERR_TASK_DONE_TOO_MANY' });
    });

    if (backendOf().capabilities.creatorCallbacks) {
      it("with onConsumerDeath 'done': its items count as done and are reported", async () => {
        const backend = backendOf();
        const lost: Array<{ pid: number; items: string[] }> = [];
        const tasks = await backend.joinableQueue<string>({ onConsumerDeath: 'done', onLostItems: (l) => lost.push(l) });
        const taken = await backend.queue<string>();
        const watch = await deathWatch(backend);
        await tasks.put('gone');
        const victim = new Process({ target: takeOneAndWait, args: [tasks, taken, watch.lock] }).start();
        assert.equal(await taken.get({ timeout: 30_000 }), 'gone');
        victim.kill();
        await tasks.join({ timeout: 30_000 });
        await victim.join();
        assert.deepEqual(lost, [{ pid: victim.pid, items: ['gone'] }]);
        assert.equal(await tasks.qsize(), 0);
      });
    }
  });
};

/**
 * Consumers SIGKILLed again and again inside for-await batches, with a backlog, every item counted (a suite of its
 * own: each kill starts a process).
 */
export const queueKillStormContract: ContractSuite = (backendOf) => {
  if (!backendOf().capabilities.crossProcess || !backendOf().capabilities.detectsDeath) return;
  describe('Queue: consumers SIGKILLed again and again', () => {
    it('inside for-await batches with a backlog, 8 times: no item its code saw is handed out again, and at most the one each was handed as it died is missing', async () => {
      const { seen, missing, kills } = await killConsumersMidBatch(backendOf(), 'queue');
      assert.deepEqual(seen.duplicates, [], `${seen.duplicates.length} items handed out twice after ${kills} kills`);
      assert.ok(missing.length <= kills, `${missing.length} items missing after ${kills} kills: ${missing.slice(0, 20).join(', ')}`);
    });

    if (backendOf().capabilities.creatorCallbacks) {
      it("JoinableQueue with onConsumerDeath 'done', 8 kills inside for-await batches: every item is seen once, or reported lost with its dead consumer, never both but for the one item each was working on", async () => {
        const lost: number[] = [];
        const { seen, missing, kills, all } = await killConsumersMidBatch(backendOf(), 'joinable', (report) => lost.push(...report.items));
        assert.deepEqual(seen.duplicates, [], 'items seen twice');
        const reported = new Set(lost);
        assert.deepEqual(missing.filter((item) => !reported.has(item)), [], 'items neither seen nor reported');
        const both = lost.filter((item) => seen.once.has(item));
        assert.ok(both.length <= kills, `${both.length} items seen and reported lost after ${kills} kills`);
        assert.equal(all, 4000);
      });
    }
  });
};

/**
 * Puts a backlog of 4 000 items, then 8 times (`kills`) starts a consumer (with `env`) iterating it (recording each item in a file the
 * moment its code has it) and SIGKILLs it once its code has seen a number of items picked at random, then drains
 * what is left with one last consumer. Returns what the consumers' code saw.
 */
export async function killConsumersMidBatch(
  backend: ContractBackend,
  kind: 'queue' | 'joinable',
  onLost?: (lost: { items: number[] }) => void,
  { kills: KILLS = 8, env }: { kills?: number; env?: NodeJS.ProcessEnv } = {},
) {
  const N = 4000;
  const dir = mkdtempSync(join(tmpdir(), 'multiproc-contract-'));
  const queue =
    kind === 'joinable' ? await backend.joinableQueue<number>({ onConsumerDeath: 'done', onLostItems: onLost }) : await backend.queue<number>();
  for (let i = 0; i < N; i++) void queue.put(i);
  await until('the backlog is in', () => queue.qsize(), (n) => n === N);
  const files: string[] = [];
  let recorded = 0;
  for (let k = 0; k < KILLS; k++) {
    const file = join(dir, `consumer-${k}`);
    writeFileSync(file, '');
    files.push(file);
    const victim = new Process({ target: recordEach, args: [queue, file, kind === 'joinable'], env }).start();
    const target = 5 + Math.floor(Math.random() * 60);
    await until(`consumer ${k} saw ${target} items`, () => lines(file).length, (n) => n >= target);
    victim.kill();
    await victim.join();
    recorded += lines(file).length;
  }
  assert.ok(recorded < N, 'the kills came with a backlog left');
  await queue.close();
  const last = join(dir, 'last');
  writeFileSync(last, '');
  files.push(last);
  const drainer = new Process({ target: recordEach, args: [queue, last, kind === 'joinable'] }).start();
  await drainer.join();
  assert.equal(drainer.exitCode, 0);
  const counts = new Map<number, number>();
  for (const file of files) for (const line of lines(file)) counts.set(Number(line), (counts.get(Number(line)) ?? 0) + 1);
  rmSync(dir, { recursive: true });
  const duplicates = [...counts].filter(([, n]) => n > 1).map(([item]) => item);
  const missing = range(N).filter((item) => !counts.has(item));
  return { seen: { duplicates, once: new Set(counts.keys()) }, missing, kills: KILLS, all: N };
}
