// The public classes on Redis: { name, backend }, objects passed to children (their backend inherited from the
// parent), and the one-line migration by environment.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { JoinableQueue, Queue } from '@multiproc/queue';
import { Condition, Lock, RLock } from '@multiproc/lock';
import { Process } from '@multiproc/process';
import { connect, setDefaultBackend, type RedisBackend } from '@multiproc/redis';
import { describeRedis, startRedis, type RedisServer } from './helpers/redis-server.js';

const fixtures = new URL('./fixtures/redis-children.mjs', import.meta.url).href;

describeRedis('redis: the public classes', () => {
  let server: RedisServer;
  let backend: RedisBackend;
  before(async () => {
    server = await startRedis();
    backend = await connect(server.url, { namespace: 'facades' });
  });
  after(async () => {
    await backend?.close();
    await server?.stop();
  });

  test('a JoinableQueue on Redis passed to a child: the child connects through its parent, consumes, and join() returns', async () => {
    const jobs = new JoinableQueue<number>({ name: 'jobs', backend });
    const results = new Queue<number>({ name: 'results', backend });
    for (const n of [1, 2, 3]) await jobs.put(n);
    const child = new Process({ target: 'consumeAll', module: fixtures, args: [jobs, results] });
    child.start();
    await jobs.join({ timeout: 30_000 });
    assert.deepEqual([await results.get(), await results.get(), await results.get()], [10, 20, 30]);
    await jobs.close();
    await child.join();
    assert.equal(child.exitCode, 0);
  });

  test('two objects of one name are one object; other creation options are ERR_OPTIONS_MISMATCH', async () => {
    const a = new Queue<string>({ name: 'shared', backend, maxsize: 2 });
    const other = await connect(server.url, { namespace: 'facades' });
    try {
      await new Queue<string>({ name: 'shared', backend: other, maxsize: 2 }).put('x');
      assert.equal(await a.get(), 'x');
      await assert.rejects(new Queue<string>({ name: 'shared', backend: other, maxsize: 3 }).put('y'), { code: 'ERR_OPTIONS_MISMATCH' });
      await assert.rejects(new Lock({ name: 'shared', backend: other }).acquire().then(() => new JoinableQueue({ name: 'shared', backend: other }).put(1)), {
        code: 'ERR_OPTIONS_MISMATCH',
      });
    } finally {
      await other.close();
    }
  });

  test('a named Condition on the default backend keeps its lock there, named <name>.lock, as with { backend }', async () => {
    setDefaultBackend(backend);
    const other = await connect(server.url, { namespace: 'facades' });
    try {
      const cond = new Condition({ name: 'cond-default' });
      await cond.acquire();
      // Another client naming that lock finds it held (before the fix the Condition's lock had no name: two processes
      // opening the Condition by name each got a lock of their own).
      assert.equal(await new RLock({ name: 'cond-default.lock', backend: other }).acquire({ timeout: 200 }), false);
      await cond.release();
    } finally {
      setDefaultBackend(undefined);
      await other.close();
    }
  });

  test('MULTIPROC_BACKEND and MULTIPROC_NAMESPACE move an unchanged program to Redis, and it ends by itself', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [new URL('./fixtures/env-program.mjs', import.meta.url).pathname], {
      cwd: new URL('..', import.meta.url).pathname,
      env: { ...process.env, MULTIPROC_BACKEND: server.url, MULTIPROC_NAMESPACE: 'facades' },
      timeout: 30_000,
    });
    assert.equal(stdout.trim(), 'put 3');
    const queue = new Queue<string>({ name: 'from-env', backend });
    assert.deepEqual([await queue.get(), await queue.get(), await queue.get()], ['a', 'b', 'c']);
  });
});
