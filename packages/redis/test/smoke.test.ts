import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type RedisBackend } from '@multiproc/redis';
import { RedisQueue } from '../src/queue/redis-queue.js';
import { describeRedis, startRedis, type RedisServer } from './helpers/redis-server.js';

describeRedis('redis smoke', () => {
  let server: RedisServer;
  let a: RedisBackend;
  let b: RedisBackend;
  before(async () => {
    server = await startRedis();
    a = await connect(server.url, { namespace: 't' });
    b = await connect(server.url, { namespace: 't' });
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await server?.stop();
  });

  test('put then get', async () => {
    const qa = new RedisQueue<unknown>(a, 'Queue', 'q1', 0);
    const qb = new RedisQueue<unknown>(b, 'Queue', 'q1', 0);
    await qa.put([{ x: 1 }, new Map([[1, 2]])]);
    assert.equal(await qa.size(), 2);
    const batch = await qb.take(10);
    batch.acknowledge(2);
    assert.deepEqual(batch.items, [{ x: 1 }, new Map([[1, 2]])]);
  });

  test('a waiting get is handed the item', async () => {
    const qa = new RedisQueue<number>(a, 'Queue', 'q2', 0);
    const qb = new RedisQueue<number>(b, 'Queue', 'q2', 0);
    const got = qb.take(1);
    await new Promise((r) => setTimeout(r, 50));
    const t0 = performance.now();
    await qa.put([42]);
    const batch = await got;
    console.log('hand-off ms', performance.now() - t0);
    batch.acknowledge(1);
    assert.deepEqual(batch.items, [42]);
  });

  test('a get times out and leaves nothing', async () => {
    const qb = new RedisQueue<number>(b, 'Queue', 'q3', 0);
    await assert.rejects(qb.take(1, { timeout: 50 }), { code: 'ERR_TIMEOUT' });
    await qb.put([7]);
    assert.equal(await qb.size(), 1);
  });

  test('options mismatch', async () => {
    await new RedisQueue<number>(a, 'Queue', 'q4', 0).open();
    await assert.rejects(new RedisQueue<number>(b, 'Queue', 'q4', 3).open(), { code: 'ERR_OPTIONS_MISMATCH' });
  });
});
