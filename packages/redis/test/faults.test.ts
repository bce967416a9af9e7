// Faults of the server and of connections: CLIENT KILL of either connection (the commands', the wake-ups'), and
// SHUTDOWN NOSAVE with a restart. Nothing hangs, errors are coded (ERR_BACKEND_UNAVAILABLE), and what the server
// acknowledged is not lost while it lives.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { Lock } from '@multiproc/lock';
import { Queue } from '@multiproc/queue';
import { connect, type RedisBackend } from '@multiproc/redis';
import { describeRedis, startRedis, type RedisServer } from './helpers/redis-server.js';

describeRedis('redis: faults', () => {
  let server: RedisServer;
  let backend: RedisBackend;
  let admin: Redis;
  before(async () => {
    server = await startRedis();
    backend = await connect(server.url, { namespace: 'faults', livenessTtlMs: 1000 });
    admin = new Redis({ path: server.socket, maxRetriesPerRequest: 0, retryStrategy: () => 50 });
    admin.on('error', () => undefined);
  });
  after(async () => {
    admin?.disconnect();
    await backend?.close();
    await server?.stop();
  });

  /** Kills the connections of this backend named `multiproc<kind>:<client>`. */
  async function kill(kind: '' | '-sub'): Promise<void> {
    const clients = (await admin.client('LIST')) as string;
    const name = `multiproc${kind}:${backend.client}`;
    const ids = clients.split('\n').filter((line) => line.includes(` name=${name} `)).map((line) => /id=(\d+)/.exec(line)![1]!);
    assert.ok(ids.length > 0, `found the connection ${name}`);
    for (const id of ids) await admin.client('KILL', 'ID', id);
  }

  test('CLIENT KILL of the wake-up connection while a get() waits: the item still arrives (re-checked after the reconnect)', async () => {
    const queue = new Queue<string>({ name: 'sub-killed', backend });
    const got = queue.get({ timeout: 30_000 });
    while ((await admin.llen('mp:{faults/queue/sub-killed}:waiters')) === 0) await new Promise((r) => setTimeout(r, 2));
    await kill('-sub');
    // The put's wake-up goes to a connection that is gone: only the re-check finds the item.
    await new Queue<string>({ name: 'sub-killed', backend: await connect(server.url, { namespace: 'faults' }).then((b) => (other = b)) }).put('x');
    assert.equal(await got, 'x');
    await other!.close();
  });
  let other: RedisBackend | undefined;

  test('CLIENT KILL of the command connection: a call in flight fails with ERR_BACKEND_UNAVAILABLE or completes; the next calls work', async () => {
    const queue = new Queue<number>({ name: 'cmd-killed', backend });
    await queue.put(1);
    await kill('');
    const settled = await Promise.allSettled([queue.put(2), queue.qsize()]);
    for (const outcome of settled) if (outcome.status === 'rejected') assert.equal((outcome.reason as { code?: string }).code, 'ERR_BACKEND_UNAVAILABLE');
    let size: number | undefined;
    // Calls fail at once while it reconnects (no offline queue): try again a little later.
    while (size === undefined) size = await queue.qsize().catch(() => new Promise<undefined>((resolve) => setTimeout(resolve, 10)));
    assert.ok(size >= 1, 'the item acknowledged before the kill is there');
    assert.equal(await queue.get(), 1);
  });

  test('SHUTDOWN NOSAVE: waiting and new calls reject with ERR_BACKEND_UNAVAILABLE (none hangs); after a restart they work again', async () => {
    const lock = new Lock({ name: 'down', backend });
    const rival = await connect(server.url, { namespace: 'faults', livenessTtlMs: 1000 });
    try {
      const theirs = new Lock({ name: 'down', backend: rival });
      await theirs.acquire();
      // Settled outcomes (one may reject while the test awaits the other: no unhandled rejection).
      const waiting = lock.acquire({ timeout: 60_000 }).then((v) => ({ v }), (e: unknown) => ({ e }));
      while ((await admin.llen('mp:{faults/lock/down}:waiters')) === 0) await new Promise((r) => setTimeout(r, 2));
      const queue = new Queue<number>({ name: 'down-q', backend });
      const getting = queue.get({ timeout: 60_000 }).then((v) => ({ v }), (e: unknown) => ({ e }));
      await admin.shutdown('NOSAVE').catch(() => undefined);
      assert.equal(((await waiting) as { e?: { code?: string } }).e?.code, 'ERR_BACKEND_UNAVAILABLE');
      assert.equal(((await getting) as { e?: { code?: string } }).e?.code, 'ERR_BACKEND_UNAVAILABLE');
      await assert.rejects(queue.put(1), { code: 'ERR_BACKEND_UNAVAILABLE' });
      await server.restart();
      // The first call after the restart learns that the queue is gone (nothing persisted) or finds it made anew.
      let put = false;
      for (let i = 0; i < 200 && !put; i++) {
        put = await queue.put(7).then(
          () => true,
          (error: { code?: string }) => {
            assert.equal(error.code, 'ERR_BACKEND_UNAVAILABLE');
            return new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 20));
          },
        );
      }
      assert.ok(put, 'calls work again after the restart');
      assert.equal(await queue.get({ timeout: 10_000 }), 7);
      // The lock's keys went with the restart: its first call says so (ERR_BACKEND_UNAVAILABLE), the next makes it anew.
      await assert.rejects(lock.acquire({ timeout: 10_000 }), { code: 'ERR_BACKEND_UNAVAILABLE', message: /is gone from/ });
      assert.equal(await lock.acquire({ timeout: 10_000 }), true);
      await lock.release();
    } finally {
      await rival.close();
    }
  });
});
