/**
 * The cold pool: what a short program, a command-line tool or a test suite
 * sees. Each sample makes a fresh 2-worker pool, waits until its workers are up
 * (ours: two 'workerStart' events; poolifier: its 'ready' event), then times
 * the first 2,000 sequential round trips (or the first burst of 20,000 tasks),
 * and then the same again on the same pool, for comparison. No process start
 * is inside a timed span. Ours against poolifier's FixedClusterPool, the best
 * process-based peer of the warm tables (pool.bench.ts).
 */
import { fileURLToPath } from 'node:url';
import { Pool } from '@multiproc/pool';
import { FixedClusterPool } from 'poolifier';
import { id } from './fixtures/pool-tasks.mjs';
import { interleave, row, withRatios, type BenchOptions, type Contestant, type Scenario } from './lib/stats.js';

const POOLIFIER_WORKER = fileURLToPath(new URL('./fixtures/pool-poolifier.cjs', import.meta.url));

interface FreshPool {
  call: (i: number) => Promise<unknown>;
  close: () => Promise<void>;
}

/** Resolves when `ready` settles; a timer keeps this process alive meanwhile (an idle pool does not). */
async function whileAlive<T>(ready: Promise<T>): Promise<T> {
  const keep = setInterval(() => {}, 1000);
  try {
    return await ready;
  } finally {
    clearInterval(keep);
  }
}

async function freshOurs(): Promise<FreshPool> {
  const pool = new Pool({ processes: 2 });
  let up = 0;
  await whileAlive(new Promise<void>((resolve) => pool.on('workerStart', () => ++up === 2 && resolve())));
  return {
    call: (i) => pool.apply(id, [i]),
    close: async () => {
      pool.close();
      await pool.join();
    },
  };
}

async function freshPoolifier(): Promise<FreshPool> {
  // Its workers must not inherit --import tsx: see fixtures/pool-poolifier.cjs.
  const pool = new FixedClusterPool<number, number>(2, POOLIFIER_WORKER, { settings: { execArgv: [] } });
  // (Its info.ready is already true here: the 'ready' event, later, is when its workers are up.)
  await whileAlive(new Promise<void>((resolve) => pool.emitter!.once('ready', () => resolve())));
  return { call: (i) => pool.execute(i, 'id'), close: () => pool.destroy() };
}

/** µs per task of n sequential round trips. */
async function roundTrips(pool: FreshPool, n: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) if ((await pool.call(i)) !== i) throw new Error(`round trip ${i}: wrong result`);
  return ((performance.now() - t0) * 1000) / n;
}

/** Tasks per second of n tasks submitted at once. */
async function burst(pool: FreshPool, n: number): Promise<number> {
  const t0 = performance.now();
  const pending: Array<Promise<unknown>> = new Array(n);
  for (let i = 0; i < n; i++) pending[i] = pool.call(i);
  const results = await Promise.all(pending);
  if (results[n - 1] !== n - 1) throw new Error('burst: wrong results');
  return n / ((performance.now() - t0) / 1000);
}

/** One sample: a fresh pool, the first `measure`, then the second, then the pool closed. */
function contestant(name: string, fresh: () => Promise<FreshPool>, measure: (pool: FreshPool) => Promise<number>): Contestant {
  return {
    name,
    run: async () => {
      const pool = await fresh();
      try {
        const first = await measure(pool);
        const second = await measure(pool);
        return { first, second };
      } finally {
        await pool.close();
      }
    },
  };
}

/** The heading of this file's section and chart in docs/benchmarks.md. */
export const title = 'Pool, cold: fresh pools (vs poolifier)';

export async function run(options: BenchOptions): Promise<Scenario[]> {
  const rtTasks = options.quick ? 200 : 2_000;
  const burstTasks = options.quick ? 2_000 : 20_000;
  const reps = options.quick ? 1 : 7;
  const contestants = [
    contestant('ours-rt', freshOurs, (pool) => roundTrips(pool, rtTasks)),
    contestant('poolifier-rt', freshPoolifier, (pool) => roundTrips(pool, rtTasks)),
    contestant('ours-burst', freshOurs, (pool) => burst(pool, burstTasks)),
    contestant('poolifier-burst', freshPoolifier, (pool) => burst(pool, burstTasks)),
  ];
  options.log(`pool-cold: ${reps} interleaved rounds of ${contestants.length} fresh pools`);
  const s = await interleave(contestants, { warmup: 0, reps, rotate: true, onRound: (r) => options.log(`  round ${r}/${reps}`) });
  const ours = 'multiproc Pool, fresh: the first round trips';
  const theirs = 'poolifier FixedClusterPool, fresh: the first round trips';
  const roundTrip = withRatios({
    id: 'pool-cold-round-trip',
    title: `Pool, cold: the first ${rtTasks.toLocaleString('en-US')} sequential round trips of a fresh 2-worker pool`,
    unit: 'µs per task',
    better: 'lower',
    reference: theirs,
    rows: [
      row(theirs, s['poolifier-rt']!.first!),
      row(ours, s['ours-rt']!.first!, { ours: true, note: '`await pool.apply(id, [i])`' }),
      row('poolifier, the next round trips on the same pool', s['poolifier-rt']!.second!),
      row('multiproc, the next round trips on the same pool', s['ours-rt']!.second!),
    ],
    goal: { issue: 18, name: 'Cold pool: first 2,000 round trips, 2 workers', text: "≤ poolifier's, on fresh pools", measure: 'ratio', op: '<=', target: 1, rows: [ours] },
  });
  const oursBurst = 'multiproc Pool, fresh: the first burst';
  const theirsBurst = 'poolifier FixedClusterPool, fresh: the first burst';
  const firstBurst = withRatios({
    id: 'pool-cold-burst',
    title: `Pool, cold: the first burst of ${burstTasks.toLocaleString('en-US')} no-op tasks on a fresh 2-worker pool`,
    unit: 'tasks/s',
    better: 'higher',
    reference: theirsBurst,
    rows: [
      row(theirsBurst, s['poolifier-burst']!.first!),
      row(oursBurst, s['ours-burst']!.first!, { ours: true, note: '`Promise.all` of N `pool.apply(id, [i])`' }),
      row('poolifier, the next burst on the same pool', s['poolifier-burst']!.second!),
      row('multiproc, the next burst on the same pool', s['ours-burst']!.second!),
    ],
    goal: { issue: 18, name: 'Cold pool: first 20,000-task burst, 2 workers', text: "≥ 3 × poolifier's, on fresh pools", measure: 'ratio', op: '>=', target: 3, rows: [oursBurst] },
    notes: [
      "Each sample is a fresh pool of each library, up before the clock starts (ours: two 'workerStart' events; poolifier: 'ready'); the second row of each is the same measure again on that pool. The warm figures (pools that ran a warm-up round first) are in the Pool tables above. Our workers inherit this process's `--import tsx`; poolifier's get no flags.",
    ],
  });
  return [roundTrip, firstBurst];
}
