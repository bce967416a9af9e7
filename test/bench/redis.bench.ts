/**
 * The Redis backend (@multiproc/redis), on a private redis-server (Unix socket, no persistence) started here:
 *
 * 1. A Redis round trip (PING, ioredis), the unit of the latency goals.
 * 2. Queue put → get between two processes: a ping-pong through two queues, half a round, p50.
 * 3. Queue one-way throughput between two processes, against a pipelined LPUSH/LMOVE loop on the same server.
 * 4. Lock hand-off: two processes acquire and release one Lock in turn (FIFO: every acquire is a hand-off).
 * 5. Pool on Redis (2 agents × 1 process, `multiproc worker`), no-op tasks, against BullMQ 6.7 on the same server:
 *    an in-process worker at concurrency 1 and 50 (its tuned best here), and its sandboxed (child process) processor.
 * 6. Failure detection: a lock holder SIGKILLed under a multiproc parent (its parent reports it), and a lone one
 *    (its liveness key expires): how long until a waiting acquire gets the lock.
 *
 * Contestants of a table run interleaved, round after round. Without redis-server the bench says so and returns
 * no table (`apt-get install -y redis-server`).
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { Queue as BullQueue, Worker as BullWorker } from 'bullmq';
import { Event, Lock } from '@multiproc/lock';
import { Process } from '@multiproc/process';
import { WAITERS } from '@multiproc/wire';
import { Pool } from '@multiproc/pool';
import { Queue } from '@multiproc/queue';
import { connect, type RedisBackend } from '@multiproc/redis';
import { redisServerBinary, startRedis, INSTALL_COMMAND, type RedisServer } from '../../packages/redis/test/helpers/redis-server.js';
import { interleave, row, summarize, withRatios, type BenchOptions, type Contestant, type Samples, type Scenario } from './lib/stats.js';
import { wallNow } from './lib/clock.js';

export const title = 'Redis backend: Queue, Lock and Pool on Redis against raw Redis and BullMQ';

const PARTY = fileURLToPath(new URL('./fixtures/redis-party.mjs', import.meta.url));
const SANDBOXED = fileURLToPath(new URL('./fixtures/bullmq-noop.cjs', import.meta.url));
const TASKS = fileURLToPath(new URL('./fixtures/redis-pool-tasks.mjs', import.meta.url));
const MULTIPROC = fileURLToPath(new URL('../../packages/multiproc/dist/cli.js', import.meta.url));
const CHILDREN = new URL('../../packages/redis/test/fixtures/redis-children.mjs', import.meta.url).href;
const LONE = fileURLToPath(new URL('../../packages/redis/test/fixtures/lone-holder.mjs', import.meta.url));
/** The lone holder's liveness TTL in the failure-detection scenario, ms. */
const LONE_TTL = 1000;

interface Sizes {
  kills: number;
  pings: number;
  pingPongs: number;
  items: number;
  lockMs: number;
  jobs: number;
  sandboxedJobs: number;
  reps: number;
  warmup: number;
}
const SIZES: Sizes = { kills: 5, pings: 2000, pingPongs: 1000, items: 20_000, lockMs: 500, jobs: 5000, sandboxedJobs: 1000, reps: 7, warmup: 1 };
const QUICK: Sizes = { kills: 1, pings: 200, pingPongs: 100, items: 1000, lockMs: 100, jobs: 300, sandboxedJobs: 100, reps: 2, warmup: 1 };

/** The forked other process: commands over IPC. */
class Party {
  readonly #child: ChildProcess;
  #ids = 0;
  readonly #waiting = new Map<number, (reply: { ok?: Record<string, number>; error?: string }) => void>();

  constructor(url: string) {
    this.#child = fork(PARTY, [url], { stdio: 'inherit' });
    this.#child.on('message', (m: { id?: number; ready?: boolean }) => {
      if (m.id !== undefined) this.#waiting.get(m.id)?.(m as never);
    });
  }

  async ready(): Promise<void> {
    const [m] = (await once(this.#child, 'message')) as [{ ready?: boolean }];
    if (!m.ready) throw new Error('redis bench party did not start');
  }

  async do(op: string, args: object): Promise<Record<string, number>> {
    const id = ++this.#ids;
    const reply = await new Promise<{ ok?: Record<string, number>; error?: string }>((resolve) => {
      this.#waiting.set(id, resolve);
      this.#child.send({ id, op, args });
    });
    this.#waiting.delete(id);
    if (reply.error) throw new Error(`party: ${reply.error}`);
    return reply.ok!;
  }

  async close(): Promise<void> {
    const exited = once(this.#child, 'exit');
    this.#child.disconnect();
    await exited;
  }
}

/** The contestant of `names` with the highest median `perSecond`. */
function bestOf(names: string[], samples: Samples): string {
  const median = (name: string) => summarize(samples[name]!.perSecond!).median;
  return names.reduce((best, name) => (median(name) > median(best) ? name : best));
}

const p50 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function run(options: BenchOptions): Promise<Scenario[]> {
  if (!redisServerBinary) {
    options.log(`bench redis: NOT RUN: redis-server is not installed. Fix: ${INSTALL_COMMAND}`);
    return [];
  }
  const sizes = options.quick ? QUICK : SIZES;
  const server = await startRedis();
  const backend = await connect(server.url, { namespace: 'bench' });
  const party = new Party(server.url);
  const raw = new Redis({ path: server.socket });
  const raw2 = new Redis({ path: server.socket });
  let names = 0;
  try {
    await party.ready();
    const scenarios = [
      await latency(options, sizes, backend, party, raw),
      await throughput(options, sizes, backend, party, raw, raw2, () => ++names),
      await handOff(options, sizes, backend, party, raw, () => ++names),
      ...(await pools(options, sizes, server, backend, () => ++names)),
      ...(await detection(options, sizes, server, () => ++names)),
    ];
    return scenarios;
  } finally {
    raw.disconnect();
    raw2.disconnect();
    await party.close();
    await backend.close();
    await server.stop();
  }
}

/** PING round trip, µs (p50 of `n`). */
async function pingMicros(raw: Redis, n: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await raw.ping();
    times.push((performance.now() - t0) * 1000);
  }
  return p50(times);
}

async function latency(options: BenchOptions, sizes: Sizes, backend: RedisBackend, party: Party, raw: Redis): Promise<Scenario> {
  const there = new Queue<number>({ name: 'pp-there', backend });
  const back = new Queue<number>({ name: 'pp-back', backend });
  const contestants: Contestant[] = [
    { name: 'Redis round trip (PING, ioredis)', run: async () => ({ us: await pingMicros(raw, sizes.pings) }) },
    {
      name: 'our Queue put → get, between two processes',
      run: async () => {
        const echoing = party.do('echo', { from: 'pp-there', to: 'pp-back', n: sizes.pingPongs });
        const halves: number[] = [];
        for (let i = 0; i < sizes.pingPongs; i++) {
          const t0 = performance.now();
          await there.put(i);
          await back.get();
          halves.push(((performance.now() - t0) * 1000) / 2);
        }
        await echoing;
        return { us: p50(halves) };
      },
    },
  ];
  const s = await interleave(contestants, { warmup: sizes.warmup, reps: sizes.reps, onRound: (r) => options.log(`redis latency round ${r}`) });
  return withRatios({
    id: 'redis-queue-latency',
    title: 'Queue put → get between two processes on Redis, p50',
    unit: 'µs',
    better: 'lower',
    reference: contestants[0]!.name,
    rows: contestants.map((c, i) => row(c.name, s[c.name]!.us!, i === 1 ? { ours: true } : {})),
    goal: { issue: 17, name: 'Queue put → get on Redis (round trips)', text: '≤ 2 Redis round trips', measure: 'ratio', op: '<=', target: 2 },
    notes: [
      'A ping-pong: this process puts an item on one queue, the other process gets it and puts it on a second queue, and this process gets it back; ' +
        'half of that round, p50 of each sample. A getter that waits is handed the item by the put script itself and woken by pub/sub, so one put→get costs ' +
        'the put\'s round trip and a message.',
    ],
  });
}

async function throughput(options: BenchOptions, sizes: Sizes, backend: RedisBackend, party: Party, raw: Redis, raw2: Redis, next: () => number): Promise<Scenario> {
  const n = sizes.items;
  const payload = JSON.stringify({ i: 0, tag: 'x' });
  const contestants: Contestant[] = [
    {
      name: 'pipelined LPUSH / LMOVE loop (ioredis)',
      run: async () => {
        const src = `raw-src-${next()}`;
        const dst = `raw-dst-${next()}`;
        const t0 = wallNow();
        const producing = (async () => {
          for (let at = 0; at < n; at += 1000) {
            const p = raw.pipeline();
            for (let i = at; i < Math.min(n, at + 1000); i++) p.lpush(src, payload);
            await p.exec();
          }
        })();
        let moved = 0;
        while (moved < n) {
          const p = raw2.pipeline();
          for (let i = 0; i < 1000; i++) p.lmove(src, dst, 'RIGHT', 'LEFT');
          const replies = (await p.exec())!;
          moved += replies.filter(([, value]) => value !== null).length;
        }
        await producing;
        const seconds = (wallNow() - t0) / 1000;
        await raw.del(src, dst);
        return { perSecond: n / seconds };
      },
    },
    {
      name: 'our Queue, one process puts, the other iterates (for await)',
      run: async () => {
        const name = `tp-${next()}`;
        const queue = new Queue<{ i: number; tag: string }>({ name, backend });
        const t0 = wallNow();
        const consuming = party.do('consume', { name, n });
        for (let at = 0; at < n; at += 1000) {
          const puts: Array<Promise<void>> = [];
          for (let i = at; i < Math.min(n, at + 1000); i++) puts.push(queue.put({ i, tag: 'x' }));
          await Promise.all(puts);
        }
        const { done } = await consuming;
        return { perSecond: n / ((done! - t0) / 1000) };
      },
    },
  ];
  const s = await interleave(contestants, { warmup: sizes.warmup, reps: sizes.reps, onRound: (r) => options.log(`redis throughput round ${r}`) });
  return withRatios({
    id: 'redis-queue-throughput',
    title: 'Queue one-way throughput between two processes on Redis',
    unit: 'items/s',
    better: 'higher',
    reference: contestants[0]!.name,
    rows: contestants.map((c, i) => row(c.name, s[c.name]!.perSecond!, i === 1 ? { ours: true } : {})),
    goal: { issue: 17, name: 'Queue one-way on Redis', text: '≥ 0.5 × a pipelined LPUSH/LMOVE loop', measure: 'ratio', op: '>=', target: 0.5 },
    notes: [
      `${n} items \`{ i, tag: 'x' }\` per sample. The raw loop pushes JSON strings in pipelines of 1000 and moves them with LMOVE in pipelines of 1000 ` +
        '(no receipts, no FIFO across consumers, nothing given back if the mover dies). Ours: puts of one tick travel as one script; the consumer\'s ' +
        '`for await` takes batches sized to its pace, and acknowledges each item before its code sees it.',
    ],
  });
}

async function handOff(options: BenchOptions, sizes: Sizes, backend: RedisBackend, party: Party, raw: Redis, next: () => number): Promise<Scenario> {
  const contestants: Contestant[] = [
    { name: 'Redis round trip (PING, ioredis)', run: async () => ({ us: await pingMicros(raw, sizes.pings) }) },
    {
      name: 'our Lock, two processes acquiring and releasing in turn',
      run: async () => {
        const name = `lock-${next()}`;
        const lock = new Lock({ name, backend });
        await lock.acquire();
        await lock.release();
        const until = wallNow() + sizes.lockMs;
        const theirs = party.do('contend', { name, until });
        let ours = 0;
        const t0 = wallNow();
        while (wallNow() < until) {
          await lock.acquire();
          await lock.release();
          ours++;
        }
        const { n } = await theirs;
        return { us: ((wallNow() - t0) * 1000) / (ours + n!) };
      },
    },
  ];
  const s = await interleave(contestants, { warmup: sizes.warmup, reps: sizes.reps, onRound: (r) => options.log(`redis lock round ${r}`) });
  return withRatios({
    id: 'redis-lock-handoff',
    title: 'Lock hand-off between two processes on Redis',
    unit: 'µs',
    better: 'lower',
    reference: contestants[0]!.name,
    rows: contestants.map((c, i) => row(c.name, s[c.name]!.us!, i === 1 ? { ours: true } : {})),
    goal: { issue: 17, name: 'Lock hand-off on Redis (round trips)', text: '≤ 2 Redis round trips', measure: 'ratio', op: '<=', target: 2 },
    notes: [
      'Both processes loop acquire → release on one Lock; waiters are served first come, first served, so each acquire is a hand-off: time ÷ acquisitions. ' +
        'A release hands the lock to the first waiter inside its script and wakes it by pub/sub (the waiter takes note of the grant without waiting for it).',
    ],
  });
}

async function pools(options: BenchOptions, sizes: Sizes, server: RedisServer, backend: RedisBackend, next: () => number): Promise<Scenario[]> {
  const connection = { path: server.socket };
  const agents = await Promise.all([startAgent(server.url), startAgent(server.url)]);
  const pool = new Pool({ name: 'bench', backend, processes: 2 });
  const { noop } = (await import(TASKS)) as { noop: () => number };
  const bull = async (jobs: number, processor: string | (() => Promise<number>), concurrency: number) => {
    const name = `bull-${next()}`;
    const queue = new BullQueue(name, { connection });
    await queue.addBulk(Array.from({ length: jobs }, (_, i) => ({ name: 'noop', data: { i } })));
    let completed = 0;
    const t0 = performance.now();
    const worker = new BullWorker(name, processor as never, { connection, concurrency, ...(typeof processor === 'string' ? { useWorkerThreads: false } : {}) });
    await new Promise<void>((resolve) => {
      worker.on('completed', () => {
        if (++completed === jobs) resolve();
      });
    });
    const perSecond = jobs / ((performance.now() - t0) / 1000);
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
    return perSecond;
  };
  const ours = async (jobs: number) => {
    const t0 = performance.now();
    await Promise.all(Array.from({ length: jobs }, () => pool.apply(noop, [])));
    return jobs / ((performance.now() - t0) / 1000);
  };
  try {
    const inProcess: Contestant[] = [
      { name: 'BullMQ 6.7 in-process worker, concurrency 1', run: async () => ({ perSecond: await bull(sizes.jobs, async () => 0, 1) }) },
      { name: 'BullMQ 6.7 in-process worker, concurrency 50', run: async () => ({ perSecond: await bull(sizes.jobs, async () => 0, 50) }) },
      { name: 'our Pool on Redis, 2 agents × 1 process', run: async () => ({ perSecond: await ours(sizes.jobs) }) },
    ];
    const s1 = await interleave(inProcess, { warmup: sizes.warmup, reps: sizes.reps, onRound: (r) => options.log(`redis pool round ${r}`) });
    const sandboxed: Contestant[] = [
      { name: 'BullMQ 6.7 sandboxed processor (child process), concurrency 1', run: async () => ({ perSecond: await bull(sizes.sandboxedJobs, SANDBOXED, 1) }) },
      { name: 'our Pool on Redis, 2 agents × 1 process', run: async () => ({ perSecond: await ours(sizes.jobs) }) },
    ];
    const s2 = await interleave(sandboxed, { warmup: sizes.warmup, reps: Math.max(2, Math.ceil(sizes.reps / 2)), onRound: (r) => options.log(`redis pool sandboxed round ${r}`) });
    const jobsNote =
      `No-op jobs. BullMQ: ${sizes.jobs} jobs added with addBulk, then a Worker started; timed from its start to the last 'completed' event. ` +
      `Ours: ${sizes.jobs} \`pool.apply(noop)\` at once, timed until all resolved; tasks of one tick travel in batches of at most 64 on the pool's ` +
      'task queue, each result is recorded once and read back by the caller. The agents (`multiproc worker --processes 1`) run on this machine.';
    return [
      withRatios({
        id: 'redis-pool-vs-bullmq',
        title: 'Pool on Redis against BullMQ in-process workers, no-op jobs',
        unit: 'jobs/s',
        better: 'higher',
        // BullMQ's best configuration of this run is the reference: the goal is against its best.
        reference: bestOf(inProcess.slice(0, 2).map((c) => c.name), s1),
        rows: inProcess.map((c, i) => row(c.name, s1[c.name]!.perSecond!, i === 2 ? { ours: true } : {})),
        goal: { issue: 17, name: "Pool on Redis vs BullMQ's best", text: "≥ 5 × BullMQ's in-process worker at its tuned concurrency", measure: 'ratio', op: '>=', target: 5 },
        notes: [jobsNote],
      }),
      withRatios({
        id: 'redis-pool-vs-bullmq-sandboxed',
        title: "Pool on Redis against BullMQ's sandboxed processor, no-op jobs",
        unit: 'jobs/s',
        better: 'higher',
        reference: sandboxed[0]!.name,
        rows: sandboxed.map((c, i) => row(c.name, s2[c.name]!.perSecond!, i === 1 ? { ours: true } : {})),
        goal: { issue: 17, name: "Pool on Redis vs BullMQ's sandboxed processor", text: "≥ 20 × BullMQ's sandboxed processor", measure: 'ratio', op: '>=', target: 20 },
        notes: [`BullMQ sandboxed: ${sizes.sandboxedJobs} jobs, a processor file run in a child process. ${jobsNote}`],
      }),
    ];
  } finally {
    pool.close();
    await pool.join();
    await Promise.all(agents.map(async (agent) => {
      const exited = once(agent, 'exit');
      agent.kill('SIGTERM');
      await exited;
    }));
  }
}

/** How long after a holder's SIGKILL a waiting acquire gets the lock: under a multiproc parent, and a lone holder. */
async function detection(options: BenchOptions, sizes: Sizes, server: RedisServer, next: () => number): Promise<Scenario[]> {
  // A long TTL for the parent's own backend: only the parent's report can release the child's lock fast.
  const backend = await connect(server.url, { namespace: 'bench', livenessTtlMs: 60_000 });
  const waitFor = async (name: string, kill: () => void) => {
    const lock = new Lock({ name, backend });
    const acquiring = lock.acquire({ timeout: 30_000 });
    while ((await lock[WAITERS]()) === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    const t0 = performance.now();
    kill();
    await acquiring;
    const ms = performance.now() - t0;
    await lock.release();
    return ms;
  };
  const contestants: Contestant[] = [
    {
      name: 'holder under a multiproc parent (the parent reports it)',
      run: async () => {
        const name = `dead-${next()}`;
        const ready = new Event();
        const child = new Process({ target: 'holdLockForever', module: CHILDREN, args: [server.url, 'bench', name, ready] });
        child.start();
        await ready.wait();
        const ms = await waitFor(name, () => child.kill());
        await child.join();
        return { ms };
      },
    },
    {
      name: `lone holder, livenessTtlMs ${LONE_TTL} (its liveness key expires)`,
      run: async () => {
        const name = `lone-${next()}`;
        const child = spawn(process.execPath, [LONE, server.url, 'bench', name, String(LONE_TTL)], { stdio: ['ignore', 'pipe', 'inherit'] });
        await once(child.stdout!, 'data');
        const ms = await waitFor(name, () => child.kill('SIGKILL'));
        return { ms };
      },
    },
  ];
  try {
    const s = await interleave(contestants, { warmup: 0, reps: sizes.kills, onRound: (r) => options.log(`redis failure detection round ${r}`) });
    const [parent, lone] = contestants.map((c) => row(c.name, s[c.name]!.ms!, { ours: true }));
    const note = 'A waiting acquire in this process (its own liveness TTL 60 s), the holder SIGKILLed; timed from the kill to the acquire resolving with ownerDied.';
    return [
      { id: 'redis-detect-parent', title: 'A lock holder under a multiproc parent SIGKILLed: lock handed on after', unit: 'ms', better: 'lower', rows: [parent!],
        goal: { issue: 17, name: 'Holder under a parent SIGKILLed: handed on', text: '≤ 100 ms', measure: 'value', op: '<=', target: 100 }, notes: [note] },
      { id: 'redis-detect-lone', title: 'A lone lock holder SIGKILLed: lock handed on after', unit: 'ms', better: 'lower', rows: [lone!],
        goal: { issue: 17, name: 'Lone holder SIGKILLed: handed on', text: `≤ the TTL (${LONE_TTL} ms) + 1 s`, measure: 'value', op: '<=', target: LONE_TTL + 1000 }, notes: [note] },
    ];
  } finally {
    await backend.close();
  }
}

async function startAgent(url: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [MULTIPROC, 'worker', '--backend', url, '--namespace', 'bench', '--pool', 'bench', '--import', TASKS, '--processes', '1'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await once(child.stdout!, 'data');
  return child;
}

