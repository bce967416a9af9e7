// Failure detection, second level: a lone process (no multiproc parent to report it) that vanishes is found dead
// when its liveness key expires; a process whose event loop is busy is not (its heartbeat runs in a worker thread).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect, type RedisBackend } from '@multiproc/redis';
import { describeRedis, startRedis, type RedisServer } from './helpers/redis-server.js';

const holder = new URL('./fixtures/lone-holder.mjs', import.meta.url).pathname;
const TTL = 1000;

/** Starts the lone holder and resolves once it printed `line`. */
async function startHolder(url: string, name: string, extra: string[] = []): Promise<{ child: ChildProcess; next: (line: string) => Promise<void> }> {
  const child = spawn(process.execPath, [holder, url, 'live', name, String(TTL), ...extra], { stdio: ['ignore', 'pipe', 'inherit'] });
  // However the test ends, the holder does not outlive it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.removeListener('exit', killOnExit));
  let out = '';
  const waiters: Array<() => void> = [];
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    for (const w of waiters.splice(0)) w();
  });
  const next = async (line: string) => {
    while (!out.includes(`${line}\n`)) {
      if (child.exitCode !== null) throw new Error(`holder exited with ${child.exitCode}`);
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  await next('ready');
  return { child, next };
}

describeRedis('redis: liveness keys', () => {
  let server: RedisServer;
  let backend: RedisBackend;
  before(async () => {
    server = await startRedis();
    backend = await connect(server.url, { namespace: 'live', livenessTtlMs: TTL });
  });
  after(async () => {
    await backend?.close();
    await server?.stop();
  });

  test(`a lone holder SIGKILLed: its lock is handed on within the TTL (${TTL} ms) + 1 s`, async (t) => {
    const { child } = await startHolder(server.url, 'lone');
    t.after(() => child.kill('SIGKILL'));
    const lock = backend.createLock({ name: 'lone', kind: 'Lock', value: 1 });
    const acquiring = lock.acquire({ blocking: true, call: 'Lock.acquire()', timeout: 30_000 });
    while ((await lock.waiters()) === 0) await new Promise((r) => setTimeout(r, 2));
    const killedAt = performance.now();
    child.kill('SIGKILL');
    await once(child, 'exit');
    assert.equal(await acquiring, 2);
    const ms = performance.now() - killedAt;
    assert.ok(ms < TTL + 1000, `handed on ${ms.toFixed(0)} ms after the kill`);
    await lock.release('Lock.release()');
  });

  test('a holder whose event loop is busy for 3 TTLs keeps its lock (the heartbeat runs off its loop)', async (t) => {
    const { child, next } = await startHolder(server.url, 'busy', ['busy', String(3 * TTL)]);
    t.after(() => child.kill('SIGKILL'));
    const lock = backend.createLock({ name: 'busy', kind: 'Lock', value: 1 });
    const acquiring = lock.acquire({ blocking: true, call: 'Lock.acquire()', timeout: 30_000 });
    let handedOn = false;
    void acquiring.then(() => (handedOn = true));
    await next('done');
    // The busy loop is over and the holder is alive: the lock was never handed on meanwhile.
    assert.equal(handedOn, false);
    child.kill('SIGKILL');
    await once(child, 'exit');
    assert.equal(await acquiring, 2);
    await lock.release('Lock.release()');
  });
});
