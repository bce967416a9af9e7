import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type RedisBackend } from '@multiproc/redis';
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
  const q = (backend: RedisBackend, name: string, maxsize = 0) => backend.createQueue<unknown>({ name, maxsize, joinable: false });
  const take = { wait: true, call: 'Queue.get()' };

  test('put then get', async () => {
    await q(a, 'q1').putMany([{ x: 1 }, new Map([[1, 2]])], { call: 'put' });
    assert.equal(await q(a, 'q1').size(), 2);
    const batch = await q(b, 'q1').take(10, take);
    batch.ack(2);
    assert.deepEqual(batch.items, [{ x: 1 }, new Map([[1, 2]])]);
  });

  test('a waiting get is handed the item', async () => {
    const got = q(b, 'q2').take(1, take);
    while ((await q(a, 'q2').waiters()).getters === 0) await new Promise((r) => setTimeout(r, 5));
    await q(a, 'q2').put(42, { call: 'put' });
    const batch = await got;
    batch.ack(1);
    assert.deepEqual(batch.items, [42]);
  });

  test('a get times out and leaves nothing', async () => {
    await assert.rejects(q(b, 'q3').take(1, { ...take, timeout: 50 }), { code: 'ERR_TIMEOUT' });
    await q(b, 'q3').put(7, { call: 'put' });
    assert.equal(await q(b, 'q3').size(), 1);
    assert.equal((await q(b, 'q3').waiters()).getters, 0);
  });

  test('options mismatch', async () => {
    await q(a, 'q4').size();
    await assert.rejects(q(b, 'q4', 3).size(), { code: 'ERR_OPTIONS_MISMATCH' });
  });

  test('lock hand-off and ownerDied', async () => {
    const la = a.createLock({ name: 'l1', kind: 'Lock', value: 1 });
    const lb = b.createLock({ name: 'l1', kind: 'Lock', value: 1 });
    assert.equal(await la.acquire({ blocking: true, call: 'acquire' }), 1);
    assert.equal(await lb.acquire({ blocking: false, call: 'acquire' }), 0);
    const waiting = lb.acquire({ blocking: true, call: 'acquire' });
    while ((await la.waiters()) === 0) await new Promise((r) => setTimeout(r, 5));
    await la.release('release');
    assert.equal(await waiting, 1);
    await b.reapClient(b.client!);
    assert.equal(await la.acquire({ blocking: true, call: 'acquire' }), 2);
    await la.release('release');
  });

  test('event, barrier, condition', async () => {
    const ea = a.createEvent({ name: 'e' });
    const w = b.createEvent({ name: 'e' }).wait({ call: 'wait' });
    while ((await ea.waiters()) === 0) await new Promise((r) => setTimeout(r, 5));
    await ea.set();
    assert.equal(await w, true);
    const ba = a.createBarrier({ name: 'bar', parties: 2 });
    const bb = b.createBarrier({ name: 'bar', parties: 2 });
    const [i, j] = await Promise.all([ba.wait({ call: 'wait' }), bb.wait({ call: 'wait' })]);
    assert.deepEqual([i, j].sort(), [0, 1]);
    const lockA = a.createLock({ name: 'cl', kind: 'RLock', value: 1 });
    const lockB = b.createLock({ name: 'cl', kind: 'RLock', value: 1 });
    const ca = a.createCondition({ name: 'c', lock: lockA });
    const cb = b.createCondition({ name: 'c', lock: lockB });
    await lockB.acquire({ blocking: true, call: 'acquire' });
    const waited = cb.wait({ call: 'wait' });
    while ((await ca.waiters()) === 0) await new Promise((r) => setTimeout(r, 5));
    await lockA.acquire({ blocking: true, call: 'acquire' });
    await ca.notify(1);
    await lockA.release('release');
    assert.equal(await waited, true);
    await lockB.release('release');
  });

  test('closing a backend ends its waits at once with ERR_CLOSED, and releases what it held', async () => {
    const c = await connect(server.url, { namespace: 't', livenessTtlMs: 60_000 });
    const held = c.createLock({ name: 'held-at-close', kind: 'Lock', value: 1 });
    assert.equal(await held.acquire({ blocking: true, call: 'acquire' }), 1);
    const waiting = q(c, 'closing').take(1, take);
    const watching = c.createEvent({ name: 'closing' }).wait({ call: 'Event.wait()' });
    while ((await q(a, 'closing').waiters()).getters === 0) await new Promise((r) => setTimeout(r, 2));
    const settled: string[] = [];
    for (const [what, wait] of [['get', waiting], ['Event.wait', watching]] as const) {
      wait.then(() => settled.push(`${what}: resolved`), (e: { code?: string }) => settled.push(`${what}: ${e.code}`));
    }
    await c.close();
    // Settled by the close itself (two turns of the event loop), not by a re-check timer (1 s here) or the 60 s TTL.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(settled.sort(), ['Event.wait: ERR_CLOSED', 'get: ERR_CLOSED']);
    // Held when its process let go of the backend: released, and the next holder is told (as for a process that exits holding it).
    assert.equal(await a.createLock({ name: 'held-at-close', kind: 'Lock', value: 1 }).acquire({ blocking: false, call: 'acquire' }), 2);
  });

  test('onLostItems is refused: no owner process to run it', () => {
    assert.throws(() => a.createQueue({ name: 'lost', maxsize: 0, joinable: true, onConsumerDeath: 'done', onLostItems: () => undefined }), {
      code: 'ERR_INVALID_ARGUMENT',
    });
  });
});
