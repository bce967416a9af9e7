// A Pool on Redis: callers submit with { name, backend }; agents (`multiproc-worker`, separate processes, as on other
// machines) run the tasks. Every map variant, errors, timeout and abort reaching the agent, an agent SIGKILLed
// (its batch runs elsewhere: at-least-once), maxDeliveries, and the --import allow-list.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from '@multiproc/pool';
import { connect, setDefaultBackend, type RedisBackend } from '@multiproc/redis';
import { describeRedis, startRedis, type RedisServer } from './helpers/redis-server.js';

const tasks = new URL('./fixtures/pool-tasks.mjs', import.meta.url).pathname;
// `multiproc worker` (the umbrella's command; @multiproc/redis's own is multiproc-worker).
const bin = new URL('../../multiproc/dist/cli.js', import.meta.url).pathname;
const { square, add, fail, sleep, hangOnce, hangAlways } = (await import(tasks)) as Record<string, (...args: any[]) => any>;

/** Starts an agent (its boot line read), killed when the test process exits. */
async function startAgent(url: string, pool: string, extra: string[] = []): Promise<ChildProcess> {
  const child = spawn(process.execPath, [bin, 'worker', '--backend', url, '--namespace', 'pool', '--pool', pool, '--import', tasks, '--processes', '1', '--liveness-ttl', '2000', ...extra], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  child.once('exit', () => process.removeListener('exit', kill));
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  assert.match(line.toString(), /^multiproc worker \d+: pool/);
  assert.doesNotMatch(line.toString(), /secret/);
  return child;
}

async function stopAgent(agent: ChildProcess): Promise<void> {
  if (agent.exitCode !== null || agent.signalCode !== null) return;
  const exited = once(agent, 'exit');
  agent.kill('SIGTERM');
  await exited;
}

/**
 * Kills an agent with SIGKILL and waits for its exit. Its local pool's journal directory cannot be removed by a killed
 * process (another pool would sweep it only after 10 minutes), so the test removes it.
 */
async function killAgent(agent: ChildProcess): Promise<void> {
  const exited = agent.exitCode === null && agent.signalCode === null ? once(agent, 'exit') : undefined;
  agent.kill('SIGKILL');
  await exited;
  for (const base of ['/dev/shm', tmpdir()]) {
    let names: string[];
    try {
      names = readdirSync(base);
    } catch {
      continue;
    }
    for (const name of names) if (name.startsWith(`multiproc-journal-${agent.pid}-`)) rmSync(join(base, name), { recursive: true, force: true });
  }
}

async function waitForFile(file: string): Promise<string> {
  const end = Date.now() + 30_000;
  while (!existsSync(file) || readFileSync(file, 'utf8') === '') {
    if (Date.now() > end) throw new Error(`${file} never appeared`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return readFileSync(file, 'utf8');
}

describeRedis('redis: a Pool on Redis with remote agents', () => {
  let server: RedisServer;
  let backend: RedisBackend;
  let agents: ChildProcess[] = [];
  let dir: string;
  before(async () => {
    server = await startRedis();
    backend = await connect(server.url, { namespace: 'pool', livenessTtlMs: 2000 });
    agents = await Promise.all([startAgent(server.url, 'etl'), startAgent(server.url, 'etl')]);
    dir = mkdtempSync(join(tmpdir(), 'redis-pool-'));
  });
  after(async () => {
    await Promise.all(agents.map(stopAgent));
    await backend?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('apply, map, starmap, imap, imapUnordered', async () => {
    const pool = new Pool({ name: 'etl', backend, processes: 2 });
    assert.equal(await pool.apply(square, [7]), 49);
    assert.deepEqual(await pool.map(square, [1, 2, 3, 4, 5]), [1, 4, 9, 16, 25]);
    assert.deepEqual(await pool.starmap(add, [[1, 2], [3, 4]]), [3, 7]);
    const ordered: number[] = [];
    for await (const y of pool.imap(square, [1, 2, 3], { chunksize: 1 })) ordered.push(y as number);
    assert.deepEqual(ordered, [1, 4, 9]);
    const unordered: number[] = [];
    for await (const y of pool.imapUnordered(square, [1, 2, 3])) unordered.push(y as number);
    assert.deepEqual(unordered.sort((a, b) => a - b), [1, 4, 9]);
    const many = await Promise.all(Array.from({ length: 500 }, (_, i) => pool.apply(square, [i])));
    assert.deepEqual(many, Array.from({ length: 500 }, (_, i) => i * i));
    pool.close();
    await pool.join();
  });

  test('with a default backend, a named Pool goes there (an unnamed one stays local)', async () => {
    setDefaultBackend(backend);
    try {
      const pool = new Pool({ name: 'etl', processes: 2 });
      assert.equal(await pool.apply(square, [5]), 25);
      assert.equal(pool.stats().workers, 0, 'no local workers: the agents ran it');
      pool.close();
      await pool.join();
    } finally {
      setDefaultBackend(undefined);
    }
  });

  test("a task's error comes back as itself; timeout and abort reach the agent", async () => {
    const pool = new Pool({ name: 'etl', backend, processes: 2 });
    await assert.rejects(pool.apply(fail, ['no']), (error: Error) => error instanceof RangeError && error.message === 'no');
    await assert.rejects(pool.apply(sleep, [60_000], { timeout: 200 }), { code: 'ERR_TIMEOUT' });
    const controller = new AbortController();
    const aborted = pool.apply(sleep, [60_000], { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('enough')), 200);
    await assert.rejects(aborted, { code: 'ERR_ABORTED' });
    // The agents' local pools are free again: the stopped tasks do not hold them.
    assert.deepEqual(await Promise.all([pool.apply(square, [2]), pool.apply(square, [3])]), [4, 9]);
    pool.close();
    await pool.join();
  });

  test('a function of a module the agents were not started with is refused, not imported', async () => {
    const pool = new Pool({ name: 'etl', backend, processes: 2 });
    await assert.rejects(pool.apply(stopAgent as never, []), (error: Error) => /not exported by a module|not started with/.test(error.message));
    pool.close();
    await pool.join();
  });

  test('an agent SIGKILLed while it runs a task: the task runs again on another agent (at-least-once)', async () => {
    const pool = new Pool({ name: 'etl', backend, processes: 2 });
    const marker = join(dir, 'once');
    const result = pool.apply(hangOnce, [marker]);
    const victim = Number(await waitForFile(marker));
    const agent = agents.find((a) => a.pid === victim)!;
    assert.ok(agent, `the task ran on an agent (${victim})`);
    await killAgent(agent);
    assert.equal(await result, 'again');
    agents = agents.filter((a) => a !== agent);
    agents.push(await startAgent(server.url, 'etl'));
    pool.close();
    await pool.join();
  });

  test('after maxDeliveries deliveries a task fails with WorkerCrashedError', async () => {
    const strict = await connect(server.url, { namespace: 'pool', livenessTtlMs: 2000, maxDeliveries: 1 });
    try {
      const pool = new Pool({ name: 'etl', backend: strict, processes: 2 });
      const marker = join(dir, 'always');
      const result = pool.apply(hangAlways, [marker]);
      const victim = Number(await waitForFile(marker));
      const agent = agents.find((a) => a.pid === victim)!;
      await killAgent(agent);
      await assert.rejects(result, (error: Error & { code?: string }) => error.code === 'ERR_WORKER_CRASHED' && /delivered 2 times/.test(error.message));
      agents = agents.filter((a) => a !== agent);
      agents.push(await startAgent(server.url, 'etl'));
      pool.terminate();
      await pool.join();
    } finally {
      await strict.close();
    }
  });
});
