// Failure detection, first level: a child under a multiproc parent that dies (SIGKILL) is reported by the parent at
// once: its lock released with ownerDied, its unfinished items back at the head.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { Event } from '@multiproc/lock';
import { Process } from '@multiproc/process';
import { connect, type RedisBackend } from '@multiproc/redis';
import { describeRedis, startRedis, type RedisServer } from './helpers/redis-server.js';

const fixtures = new URL('./fixtures/redis-children.mjs', import.meta.url).href;

describeRedis('redis: a dead child is reported by its parent', () => {
  let server: RedisServer;
  let backend: RedisBackend;
  before(async () => {
    server = await startRedis();
    // A long TTL: only the parent's report can release within the test's bound.
    backend = await connect(server.url, { namespace: 'death', livenessTtlMs: 60_000 });
  });
  after(async () => {
    await backend?.close();
    await server?.stop();
  });

  // The goal is 100 ms (the bench reports it); the test bounds it far below the 60 s TTL, so only the
  // parent's report can have released it, however loaded the machine.
  test('a lock holder SIGKILLed: the lock is handed on, with ownerDied, by its parent (not the 60 s TTL)', async () => {
    const ready = new Event();
    const child = new Process({ target: 'holdLockForever', module: fixtures, args: [server.url, 'death', 'held', ready] });
    child.start();
    await ready.wait();
    const lock = backend.createLock({ name: 'held', kind: 'Lock', value: 1 });
    assert.equal(await lock.acquire({ blocking: false, call: 'Lock.acquire()' }), 0);
    const acquiring = lock.acquire({ blocking: true, call: 'Lock.acquire()', timeout: 30_000 });
    while ((await lock.waiters()) === 0) await new Promise((r) => setTimeout(r, 2));
    const killedAt = performance.now();
    child.kill();
    assert.equal(await acquiring, 2);
    const ms = performance.now() - killedAt;
    await child.join();
    assert.ok(ms < 5000, `handed on ${ms.toFixed(1)} ms after the kill`);
    process.stdout.write(`# lock handed on ${ms.toFixed(1)} ms after its holder's SIGKILL\n`);
    await lock.release('Lock.release()');
  });

  test('a consumer SIGKILLed: its unfinished items go back to the head, in order', async () => {
    const queue = backend.createQueue<number>({ name: 'jobs', maxsize: 0, joinable: true });
    await queue.putMany([1, 2, 3, 4], { call: 'put' });
    const ready = new Event();
    const child = new Process({ target: 'takeAndHang', module: fixtures, args: [server.url, 'death', 'jobs', 3, ready] });
    child.start();
    await ready.wait();
    assert.equal(await queue.size(), 1);
    child.kill();
    await child.join();
    const deadline = Date.now() + 5000;
    while ((await queue.size()) < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
    const taken = await queue.take(4, { wait: false, call: 'get' });
    taken.ack(4);
    assert.deepEqual(taken.items, [1, 2, 3, 4]);
  });
});
