/**
 * The Pool against Python's multiprocessing.Pool (fork) and the Node pools people
 * use — poolifier (FixedClusterPool), workerpool (workerType 'process') and tinypool
 * (runtime 'child_process'), which run tasks in processes as ours does, and piscina,
 * which runs them in worker threads (the thread-based reference) — side by side in
 * one run:
 *
 * 1. Sequential round trip: `await pool.apply(id, [i])` one after the other (2 workers, and 1).
 * 2. Burst: N no-op tasks submitted at once, `Promise.all` of N `apply` calls (2 workers, and 1).
 * 3. `map` over millions of trivial items with the default chunksize, against Python's `Pool.map`.
 * 4. CPU-bound: tasks of about 1 ms each (a BigInt factorial), every contestant.
 * 5. Our fixed overhead per task: the burst of 2 with 1, 2, 4, 8 workers, and with 10 k to 1 M tasks.
 *
 * Every pool, Python's included (python/pool.py, run as a server answering one
 * command a line), is made before the first round and lives until the last, so
 * no process start is inside a timed span; the warm-up round brings every
 * worker up. The task functions are exported by fixtures/pool-tasks.mjs.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Pool } from '@multiproc/pool';
import { Piscina } from 'piscina';
import { FixedClusterPool } from 'poolifier';
import { Tinypool } from 'tinypool';
import workerpool from 'workerpool';
import { factorial, id, spinFor } from './fixtures/pool-tasks.mjs';
import { busyPoll } from '@multiproc/wire';
import { cpuMeter } from './lib/cpu.js';
import { fmt, interleave, row, summarize, withRatios, type BenchOptions, type Contestant, type Row, type Samples, type Scenario } from './lib/stats.js';

const TASKS = new URL('./fixtures/pool-tasks.mjs', import.meta.url);
const WORKERPOOL_WORKER = fileURLToPath(new URL('./fixtures/pool-workerpool.mjs', import.meta.url));
const POOLIFIER_WORKER = fileURLToPath(new URL('./fixtures/pool-poolifier.cjs', import.meta.url));
const PYTHON_SCRIPT = fileURLToPath(new URL('./python/pool.py', import.meta.url));

interface Sizes {
  /** Sequential apply() round trips per sample. */
  rtTasks: number;
  /** Tasks per burst sample (scenarios 2 and 5). */
  burstTasks: number;
  /** Items of the big map (scenario 3). */
  mapItems: number;
  /** Items of the chunksize-1 map (scenario 3, reference rows). */
  mapSmallItems: number;
  /** Tasks per CPU-bound sample. */
  cpuTasks: number;
  /** The CPU job: factorial(cpuK), about 1 ms for 3000 on the bench machine. */
  cpuK: number;
  /** Jobs per inline (no pool) CPU sample. */
  inlineJobs: number;
  /** Pool sizes of the overhead curve (at burstTasks tasks). */
  curveWorkers: number[];
  /** Burst sizes of the overhead curve (at 2 workers), besides burstTasks. */
  curveTasks: number[];
  reps: { rt: number; map: number; cpu: number; curve: number; poll: number };
  /** Tasks per sample of the busy-polling table (each caller). */
  pollTasks: number;
  warmup: number;
}

const SIZES: Sizes = {
  rtTasks: 1_000,
  burstTasks: 20_000,
  mapItems: 10_000_000,
  mapSmallItems: 20_000,
  cpuTasks: 2_000,
  cpuK: 3_000,
  inlineJobs: 200,
  curveWorkers: [1, 2, 4, 8],
  curveTasks: [10_000, 100_000, 1_000_000],
  reps: { rt: 7, map: 5, cpu: 5, curve: 9, poll: 7 },
  pollTasks: 1_000,
  warmup: 1,
};
const QUICK: Sizes = {
  rtTasks: 50,
  burstTasks: 500,
  mapItems: 20_000,
  mapSmallItems: 200,
  cpuTasks: 10,
  cpuK: 3_000,
  inlineJobs: 5,
  curveWorkers: [1, 2, 4, 8],
  curveTasks: [200, 2_000],
  reps: { rt: 2, map: 2, cpu: 2, curve: 2, poll: 2 },
  pollTasks: 50,
  warmup: 1,
};

/** One pool of some library, driven the same way: one no-op task, one CPU job. */
interface Contender {
  call(i: number): Promise<unknown>;
  cpu(k: number): Promise<unknown>;
  close(): Promise<void>;
}

type Library = 'ours' | 'piscina' | 'poolifier' | 'workerpool' | 'tinypool';
const LIBRARIES: Library[] = ['ours', 'piscina', 'poolifier', 'workerpool', 'tinypool'];
const PROCESS_PEERS: Library[] = ['poolifier', 'workerpool', 'tinypool'];

/** The version of an installed package (its package.json, found from its entry point). */
function versionOf(name: string): string {
  let dir = dirname(fileURLToPath(import.meta.resolve(name)));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === name && pkg.version) return pkg.version;
    } catch {
      // no package.json here
    }
    const up = dirname(dir);
    if (up === dir) return '?';
    dir = up;
  }
}

function describe(library: Library): { name: string; call: string } {
  switch (library) {
    case 'ours':
      return { name: 'multiproc Pool (processes)', call: '`pool.apply(id, [i])`' };
    case 'piscina':
      return { name: `piscina ${versionOf('piscina')} (worker threads)`, call: "`pool.run(i, { name: 'id' })`" };
    case 'poolifier':
      return { name: `poolifier ${versionOf('poolifier')} FixedClusterPool (processes)`, call: "`pool.execute(i, 'id')`" };
    case 'workerpool':
      return { name: `workerpool ${versionOf('workerpool')}, workerType 'process'`, call: "`pool.exec('id', [i])`" };
    case 'tinypool':
      return { name: `tinypool ${versionOf('tinypool')}, runtime 'child_process'`, call: "`pool.run(i, { name: 'id' })`" };
  }
}

/** Starts a pool of `workers` workers of `library`, each with its defaults but for the size. */
function startPool(library: Library, workers: number): Contender {
  switch (library) {
    case 'ours': {
      const pool = new Pool({ processes: workers });
      return {
        call: (i) => pool.apply(id, [i]) as Promise<number>,
        cpu: (k) => pool.apply(factorial, [k]) as Promise<number>,
        close: async () => {
          pool.close();
          await pool.join();
        },
      };
    }
    case 'piscina': {
      const pool = new Piscina({ filename: TASKS.href, minThreads: workers, maxThreads: workers });
      return { call: (i) => pool.run(i, { name: 'id' }), cpu: (k) => pool.run(k, { name: 'factorial' }), close: () => pool.destroy() };
    }
    case 'poolifier': {
      // Its workers must not inherit --import tsx: see fixtures/pool-poolifier.cjs.
      const pool = new FixedClusterPool<number, number>(workers, POOLIFIER_WORKER, { settings: { execArgv: [] } });
      return { call: (i) => pool.execute(i, 'id'), cpu: (k) => pool.execute(k, 'factorial'), close: () => pool.destroy() };
    }
    case 'workerpool': {
      const pool = workerpool.pool(WORKERPOOL_WORKER, { minWorkers: workers, maxWorkers: workers, workerType: 'process' });
      return {
        call: (i) => pool.exec('id', [i]),
        cpu: (k) => pool.exec('factorial', [k]),
        close: async () => {
          await pool.terminate();
        },
      };
    }
    case 'tinypool': {
      const pool = new Tinypool({ filename: TASKS.href, runtime: 'child_process', minThreads: workers, maxThreads: workers });
      return { call: (i) => pool.run(i, { name: 'id' }), cpu: (k) => pool.run(k, { name: 'factorial' }), close: () => pool.destroy() };
    }
  }
}

/** `await call(i)` n times in a row: µs per task, and CPU µs per task of every process (and thread) of the run. */
async function roundTrips(contender: Contender, n: number): Promise<{ usPerTask: number; cpuUsPerTask?: number }> {
  const cpu = cpuMeter();
  const cpu0 = cpu();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const result = await contender.call(i);
    if (result !== i) throw new Error(`round trip: task ${i} returned ${String(result)}`);
  }
  const usPerTask = ((performance.now() - t0) * 1000) / n;
  const cpu1 = cpu();
  return cpu0 === undefined || cpu1 === undefined ? { usPerTask } : { usPerTask, cpuUsPerTask: (cpu1 - cpu0) / n };
}

/** Python's round trips (timed by the script), and the CPU µs per task of every process of the run. */
async function pythonRoundTrips(python: PythonServer, workers: number, n: number): Promise<Record<string, number>> {
  const cpu = cpuMeter();
  const cpu0 = cpu();
  const metrics = await python.run({ op: 'rt', processes: workers, n });
  const cpu1 = cpu();
  return cpu0 === undefined || cpu1 === undefined || !('usPerTask' in metrics) ? metrics : { ...metrics, cpuUsPerTask: (cpu1 - cpu0) / n };
}

/** The cases of the busy-polling table: a name, the task's µs of CPU (0: `id`), the callers awaiting tasks in turn. */
const POLL_CASES = [
  { key: 'noop1', us: 0, callers: 1 },
  { key: 'spin30x1', us: 30, callers: 1 },
  { key: 'spin75x2', us: 75, callers: 2 },
  { key: 'spin150x2', us: 150, callers: 2 },
] as const;

/**
 * Our pool with busy polling (the default) and without (the workers started with MULTIPROC_BUSY_POLL_US=0, this
 * process's `busyPoll` set to 0 around each of its samples), interleaved: µs per task for each of POLL_CASES.
 */
async function pollingOnAndOff(sizes: Sizes, options: BenchOptions, progress: (phase: string, reps: number) => (round: number) => void): Promise<Samples> {
  const on = new Pool({ processes: 2 });
  const env = process.env.MULTIPROC_BUSY_POLL_US;
  process.env.MULTIPROC_BUSY_POLL_US = '0';
  const off = new Pool({ processes: 2 });
  if (env === undefined) delete process.env.MULTIPROC_BUSY_POLL_US;
  else process.env.MULTIPROC_BUSY_POLL_US = env;
  const window = busyPoll.micros;
  const sample = async (pool: Pool) => {
    const result: Record<string, number> = {};
    for (const { key, us, callers } of POLL_CASES) {
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: callers }, async () => {
          for (let i = 0; i < sizes.pollTasks; i++) await (us === 0 ? pool.apply(id, [i]) : pool.apply(spinFor, [us]));
        }),
      );
      result[key] = ((performance.now() - t0) * 1000) / (sizes.pollTasks * callers);
    }
    return result;
  };
  try {
    options.log(`pool: busy polling on and off: ${sizes.reps.poll} rounds of ${POLL_CASES.length} cases`);
    return await interleave(
      [
        { name: 'poll-on', run: () => sample(on) },
        {
          name: 'poll-off',
          run: async () => {
            busyPoll.micros = 0;
            try {
              return await sample(off);
            } finally {
              busyPoll.micros = window;
            }
          },
        },
      ],
      { warmup: sizes.warmup, reps: sizes.reps.poll, onRound: progress('busy polling', sizes.reps.poll) },
    );
  } finally {
    for (const pool of [on, off]) {
      pool.close();
      await pool.join();
    }
  }
}

/** n calls submitted at once, then all awaited: tasks per second. */
async function burst(call: (i: number) => Promise<unknown>, n: number): Promise<number> {
  const t0 = performance.now();
  const pending: Array<Promise<unknown>> = new Array(n);
  for (let i = 0; i < n; i++) pending[i] = call(i);
  const results = await Promise.all(pending);
  const seconds = (performance.now() - t0) / 1000;
  if (results.length !== n || results[n - 1] !== n - 1) throw new Error(`burst: wrong results (last: ${String(results[n - 1])})`);
  return n / seconds;
}

/** n CPU jobs submitted at once: tasks per second. */
async function cpuBurst(contender: Contender, n: number, k: number): Promise<number> {
  const t0 = performance.now();
  const results = await Promise.all(Array.from({ length: n }, () => contender.cpu(k)));
  const seconds = (performance.now() - t0) / 1000;
  if (new Set(results).size !== 1) throw new Error('cpu: the jobs returned different results');
  return n / seconds;
}

/** python/pool.py as a server: one JSON command a line in, one JSON answer a line out. */
class PythonServer {
  version: string | undefined;
  skipped: string | undefined;
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #waiting: Array<(line: string | undefined) => void> = [];
  #stopping = false;

  constructor() {
    this.#child = spawn('python3', [PYTHON_SCRIPT, 'serve'], { stdio: ['pipe', 'pipe', 'inherit'] }) as unknown as ChildProcessWithoutNullStreams;
    this.#child.on('error', (error) => {
      this.skipped ??= `Python rows skipped: python3 could not be run (${error.message}).`;
      for (const wake of this.#waiting.splice(0)) wake(undefined);
    });
    this.#child.on('exit', (code) => {
      if (!this.#stopping) this.skipped ??= `Python rows skipped: ${PYTHON_SCRIPT} exited with ${code}.`;
      for (const wake of this.#waiting.splice(0)) wake(undefined);
    });
    createInterface({ input: this.#child.stdout }).on('line', (line) => this.#waiting.shift()?.(line));
  }

  /** One sample; {} once Python is skipped (missing, or a command failed). */
  async run(command: Record<string, unknown>): Promise<Record<string, number>> {
    if (this.skipped) return {};
    const answer = new Promise<string | undefined>((resolve) => this.#waiting.push(resolve));
    this.#child.stdin.write(`${JSON.stringify(command)}\n`);
    const line = await answer;
    if (line === undefined) return {};
    const parsed = JSON.parse(line) as { python: string; metrics: Record<string, number> } | { error: string };
    if ('error' in parsed) {
      this.skipped = `Python rows skipped: ${PYTHON_SCRIPT} failed on ${JSON.stringify(command)}: ${parsed.error}.`;
      return {};
    }
    this.version = parsed.python;
    return parsed.metrics;
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    this.#stopping = true;
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    this.#child.stdin.end();
    await exited;
  }
}

/** A row, or nothing when its contestant produced no samples (Python skipped). */
function rowOf(samples: Samples, contestant: string, metric: string, name: string, extra: Partial<Row> = {}): Row[] {
  const values = samples[contestant]?.[metric];
  return values && values.length > 0 ? [row(name, values, extra)] : [];
}

function medianOf(samples: Samples, contestant: string, metric: string): number | undefined {
  const values = samples[contestant]?.[metric];
  return values?.length ? summarize(values).median : undefined;
}

const label = (n: number) => n.toLocaleString('en-US');

/** The heading of this file's section and chart in docs/benchmarks.md. */
export const title = 'Pool (vs poolifier, workerpool, tinypool, piscina, Python)';

export async function run(options: BenchOptions): Promise<Scenario[]> {
  const sizes = options.quick ? QUICK : SIZES;
  const python = new PythonServer();
  const pools = new Map<string, Contender>();
  const started = (library: Library, workers: number) => {
    const key = `${library}-${workers}`;
    let pool = pools.get(key);
    if (!pool) pools.set(key, (pool = startPool(library, workers)));
    return pool;
  };
  const progress = (phase: string, reps: number) => (round: number) => options.log(`  ${phase}: round ${round}/${reps}`);
  const samples: Samples = {};
  const keep = (more: Samples) => Object.assign(samples, more);

  try {
    // Phase 1 (scenarios 1 and 2): every library at 2 workers and at 1, Python too.
    const rtContestants: Contestant[] = [];
    for (const workers of [2, 1]) {
      for (const library of LIBRARIES) {
        const pool = started(library, workers);
        rtContestants.push({
          name: `${library}-${workers}`,
          run: async () => ({ ...(await roundTrips(pool, sizes.rtTasks)), tasksPerSecond: await burst(pool.call, sizes.burstTasks) }),
        });
      }
      rtContestants.push({
        name: `python-${workers}`,
        run: async () => ({
          ...(await pythonRoundTrips(python, workers, sizes.rtTasks)),
          ...(await python.run({ op: 'burst', processes: workers, n: sizes.burstTasks })),
        }),
      });
    }
    options.log(
      `pool: round trips and bursts: ${sizes.reps.rt} interleaved rounds (+${sizes.warmup} warm-up) of ${rtContestants.length} contestants, ` +
        `${sizes.rtTasks} round trips and ${sizes.burstTasks} tasks at once each`,
    );
    keep(await interleave(rtContestants, { warmup: sizes.warmup, reps: sizes.reps.rt, onRound: progress('round trips and bursts', sizes.reps.rt) }));

    // Phase 2 (scenario 4): the CPU-bound jobs, at 2 workers, and each language's job inline.
    const cpuContestants: Contestant[] = [
      ...LIBRARIES.map((library) => ({ name: `cpu-${library}`, run: async () => ({ tasksPerSecond: await cpuBurst(started(library, 2), sizes.cpuTasks, sizes.cpuK) }) })),
      { name: 'cpu-python', run: () => python.run({ op: 'cpu', processes: 2, n: sizes.cpuTasks, k: sizes.cpuK }) },
      {
        name: 'cpu-node-inline',
        run: () => {
          const t0 = performance.now();
          for (let i = 0; i < sizes.inlineJobs; i++) factorial(sizes.cpuK);
          return { msPerJob: (performance.now() - t0) / sizes.inlineJobs };
        },
      },
      { name: 'cpu-python-inline', run: () => python.run({ op: 'inline-cpu', n: sizes.inlineJobs, k: sizes.cpuK }) },
    ];
    options.log(`pool: CPU-bound: ${sizes.reps.cpu} rounds of ${cpuContestants.length} contestants, ${sizes.cpuTasks} × factorial(${sizes.cpuK})`);
    keep(await interleave(cpuContestants, { warmup: sizes.warmup, reps: sizes.reps.cpu, onRound: progress('CPU-bound', sizes.reps.cpu) }));

    // The peers are done: only our pools and Python's from here.
    for (const library of LIBRARIES.filter((l) => l !== 'ours')) {
      for (const workers of [2, 1]) {
        await pools.get(`${library}-${workers}`)?.close();
        pools.delete(`${library}-${workers}`);
      }
    }

    // Phase 3 (scenario 3): map over many trivial items. The items exist before the clock starts.
    const items = Array.from({ length: sizes.mapItems }, (_, i) => i);
    const smallItems = items.slice(0, sizes.mapSmallItems);
    const ours2 = new Pool({ processes: 2 });
    const mapContestants: Contestant[] = [
      {
        name: 'map-ours',
        run: async () => {
          const t0 = performance.now();
          const results = await ours2.map(id, items);
          const seconds = (performance.now() - t0) / 1000;
          if (results.length !== items.length || results[items.length - 1] !== items.length - 1) throw new Error('map: wrong results');
          return { itemsPerSecond: items.length / seconds };
        },
      },
      { name: 'map-python', run: () => python.run({ op: 'map', processes: 2, n: sizes.mapItems, chunksize: null }) },
      {
        name: 'map-ours-1',
        run: async () => {
          const t0 = performance.now();
          const results = await ours2.map(id, smallItems, { chunksize: 1 });
          const seconds = (performance.now() - t0) / 1000;
          if (results[smallItems.length - 1] !== smallItems.length - 1) throw new Error('map chunksize 1: wrong results');
          return { itemsPerSecond: smallItems.length / seconds };
        },
      },
      { name: 'map-python-1', run: () => python.run({ op: 'map', processes: 2, n: sizes.mapSmallItems, chunksize: 1 }) },
    ];
    options.log(`pool: map: ${sizes.reps.map} rounds, ${sizes.mapItems} items (default chunksize) and ${sizes.mapSmallItems} items (chunksize 1)`);
    try {
      keep(await interleave(mapContestants, { warmup: sizes.warmup, reps: sizes.reps.map, onRound: progress('map', sizes.reps.map) }));
    } finally {
      ours2.close();
      await ours2.join();
    }
    await python.stop(); // its pools and its 10 M items go

    // Phase 4 (scenario 5): our burst throughput by pool size and by burst size.
    // Each timed burst follows an untimed one of burstTasks tasks on the same pool (see the table's notes): on this
    // machine, the first allocation-heavy work after seconds of idling runs far slower, and only the 2-worker pool is
    // busy in most rows.
    const warmBurst = async (workers: number, n: number) => {
      const { call } = started('ours', workers);
      await burst(call, Math.min(n, sizes.burstTasks));
      return { usPerTask: 1e6 / (await burst(call, n)) };
    };
    const curveContestants: Contestant[] = [
      ...sizes.curveWorkers.map((workers) => ({ name: `curve-w${workers}`, run: () => warmBurst(workers, sizes.burstTasks) })),
      ...sizes.curveTasks.map((n) => ({ name: `curve-n${n}`, run: () => warmBurst(2, n) })),
    ];
    options.log(`pool: overhead curve: ${sizes.reps.curve} rounds, ${sizes.curveWorkers.join('/')} workers, ${[sizes.burstTasks, ...sizes.curveTasks].join('/')} tasks`);
    // Rotated: the burst of 1 M tasks leaves ~0.5 GB of garbage, which the contestant after it paid for when the order was fixed.
    keep(await interleave(curveContestants, { warmup: sizes.warmup, reps: sizes.reps.curve, rotate: true, onRound: progress('overhead curve', sizes.reps.curve) }));

    // Phase 5 (scenario 6): busy polling on and off, on 2-worker pools of ours.
    keep(await pollingOnAndOff(sizes, options, progress));
  } finally {
    await python.stop();
    for (const pool of pools.values()) await pool.close();
  }
  return scenarios(samples, sizes, python);
}

function scenarios(s: Samples, sizes: Sizes, python: PythonServer): Scenario[] {
  const pythonName = `Python ${python.version ?? '3'} mp.Pool (fork)`;
  const pythonNotes = python.skipped ? [python.skipped] : [];
  const ours = describe('ours').name;
  const isProcessPeer = (name: string) => PROCESS_PEERS.some((library) => describe(library).name === name);
  const common =
    'Every pool is made before the first round and lives until the last (a warm-up round first), so no process start is timed. ' +
    "Each library's defaults, but for the size; the processes of ours, workerpool and tinypool inherit this process's Node flags (`--import tsx`), " +
    "poolifier's workers get none (its cluster workers never start under tsx: fixtures/pool-poolifier.cjs).";

  const libraryRows = (metric: string, workers: number, python: { call: string }) => [
    ...LIBRARIES.flatMap((library) => rowOf(s, `${library}-${workers}`, metric, describe(library).name, { note: describe(library).call, ours: library === 'ours' })),
    ...rowOf(s, `python-${workers}`, metric, pythonName, { note: python.call }),
  ];

  const result: Scenario[] = [];

  // 1. Sequential round trip, at 2 workers and at 1.
  for (const workers of [2, 1]) {
    const reference = describe('piscina').name;
    const table = withRatios({
      id: `pool-round-trip-${workers}`,
      title: `Pool: sequential round trip, \`await apply(id, [i])\` one after the other, ${workers === 1 ? '1 worker' : `${workers} workers`} (${sizes.rtTasks} tasks per sample)`,
      unit: 'µs per task',
      better: 'lower',
      reference,
      rows: libraryRows('usPerTask', workers, { call: '`pool.apply(ident, (i,))`' }),
      goal: {
        issue: 4,
        name: `Pool sequential round trip, ${workers === 1 ? '1 worker' : `${workers} workers`}`,
        text: "≤ piscina's round trip, though piscina uses threads",
        measure: 'ratio',
        op: '<=',
        target: 1,
      },
      notes: [
        `A no-op task (\`id(x) => x\`, fixtures/pool-tasks.mjs), awaited before the next is submitted: the latency of one task through the pool. ${common}`,
        ...pythonNotes,
      ],
    });
    result.push(table);
    const cpuRows = libraryRows('cpuUsPerTask', workers, { call: '`pool.apply(ident, (i,))`' });
    if (cpuRows.length > 0) {
      result.push(
        withRatios({
          id: `pool-round-trip-cpu-${workers}`,
          title: `Pool: CPU time per sequential round trip, every process and thread, ${workers === 1 ? '1 worker' : `${workers} workers`}`,
          unit: 'CPU µs per task',
          better: 'lower',
          reference,
          rows: cpuRows,
          notes: [
            'The samples of the table above: the CPU time of every thread of this process and of every process below it ' +
              '(/proc/<pid>/task/*/schedstat, lib/cpu.ts) over a sample, divided by its tasks. The other pools are idle meanwhile. ' +
              "Ours polls for a reply instead of sleeping for up to 100 µs after each write, on both sides (wire's `BusyPoll`): " +
              'a round trip then spends no CPU on falling asleep and being woken, which on this virtual machine costs more than the polling. ' +
              'Python’s figure includes its JSON command line to python/pool.py.',
          ],
        }),
      );
    }
  }

  // 2. Burst throughput, at 2 workers and at 1.
  for (const workers of [2, 1]) {
    const rows = libraryRows('tasksPerSecond', workers, { call: '`apply_async(ident, (i,))` × N, then `get()` each' });
    const best = rows.filter((r) => isProcessPeer(r.name)).sort((a, b) => b.median - a.median)[0];
    const table = withRatios({
      id: `pool-burst-${workers}`,
      title: `Pool: burst of ${label(sizes.burstTasks)} no-op tasks submitted at once, ${workers === 1 ? '1 worker' : `${workers} workers`}`,
      unit: 'tasks per second',
      better: 'higher',
      reference: best?.name,
      rows,
      goal: {
        issue: 4,
        name: `Pool burst of single tasks, ${workers === 1 ? '1 worker' : `${workers} workers`}`,
        text: `≥ 5 × the best process-based peer${best ? ` (this run: ${best.name})` : ''}`,
        measure: 'ratio',
        op: '>=',
        target: 5,
      },
      notes: [
        'N single tasks submitted in one go — `Promise.all` of N calls (the call of each row), timed from the first submission to the last result. ' +
          `The reference is the best of the process-based peers (poolifier, workerpool, tinypool) in this run. ${common}`,
        'Our workers journal each result (one `pwrite` to a file in shared memory, /dev/shm) and write them to the pipe in batches, so a worker that is SIGKILLed mid-batch still gets exactly its running task blamed and every finished one its result (docs/design-notes.md, "Send journals"). Without the journal each result would have to be written before the next task starts, which measured about 0.55–0.6× this throughput.',
        ...pythonNotes,
      ],
    });
    result.push(table);
  }

  // 3. map.
  const pyMap = `${pythonName}: \`pool.map(ident, items)\`, default chunksize`;
  const ourMap = 'multiproc Pool: `pool.map(id, items)`, default chunksize';
  const map = withRatios({
    id: 'pool-map',
    title: `Pool: map over ${label(sizes.mapItems)} trivial items, 2 workers (chunksize-1 rows: ${label(sizes.mapSmallItems)} items)`,
    unit: 'items per second',
    better: 'higher',
    reference: pyMap,
    rows: [
      ...rowOf(s, 'map-python', 'itemsPerSecond', pyMap, { note: `${label(Math.ceil(sizes.mapItems / 8))} items per chunk` }),
      ...rowOf(s, 'map-ours', 'itemsPerSecond', ourMap, { note: `${label(Math.ceil(sizes.mapItems / 8))} items per chunk (items / (processes × 4), as Python)`, ours: true }),
      ...rowOf(s, 'map-python-1', 'itemsPerSecond', `${pythonName}: \`pool.map(ident, items, 1)\``, { note: `${label(sizes.mapSmallItems)} items, reference row` }),
      ...rowOf(s, 'map-ours-1', 'itemsPerSecond', 'multiproc Pool: `pool.map(id, items, { chunksize: 1 })`', { note: `${label(sizes.mapSmallItems)} items, reference row`, ours: true }),
    ],
    goal: {
      issue: 4,
      name: `Pool map over ${label(sizes.mapItems)} items, default chunksize`,
      text: "≥ 1.5 × Python's `Pool.map` with its default chunksize",
      measure: 'ratio',
      op: '>=',
      target: 1.5,
      rows: [ourMap],
    },
    notes: [
      'Items are the integers 0 … N−1, built before the clock starts (a JavaScript array; a Python list); the task is the identity; timed from the call to holding every result, in order.',
      ...pythonNotes,
    ],
  });
  result.push(map);

  // 4. CPU-bound.
  const nodeInline = medianOf(s, 'cpu-node-inline', 'msPerJob');
  const pyInline = medianOf(s, 'cpu-python-inline', 'msPerJob');
  const efficiency = (contestant: string, inlineMs: number | undefined) => {
    const rate = medianOf(s, contestant, 'tasksPerSecond');
    return rate !== undefined && inlineMs !== undefined ? `${((rate * inlineMs) / 1000 / 2 * 100).toFixed(0)} %` : '–';
  };
  const cpuCall: Record<Library, string> = {
    ours: '`pool.apply(factorial, [k])`',
    piscina: "`pool.run(k, { name: 'factorial' })`",
    poolifier: "`pool.execute(k, 'factorial')`",
    workerpool: "`pool.exec('factorial', [k])`",
    tinypool: "`pool.run(k, { name: 'factorial' })`",
  };
  const cpu = withRatios({
    id: 'pool-cpu',
    title: `Pool: CPU-bound, ${label(sizes.cpuTasks)} tasks of factorial(${sizes.cpuK}) by BigInt products submitted at once, 2 workers`,
    unit: 'tasks per second',
    better: 'higher',
    reference: ours,
    rows: [
      ...LIBRARIES.flatMap((library) =>
        rowOf(s, `cpu-${library}`, 'tasksPerSecond', describe(library).name, { note: `${cpuCall[library]}; ${efficiency(`cpu-${library}`, nodeInline)} of 2 cores`, ours: library === 'ours' }),
      ),
      ...rowOf(s, 'cpu-python', 'tasksPerSecond', pythonName, { note: `\`apply_async(factorial, (k,))\` × N; ${efficiency('cpu-python', pyInline)} of 2 cores` }),
    ],
    notes: [
      `The job: \`for (k = 2n; k <= 3000n; k++) product *= k\`, the same loop in Python (fixtures/pool-tasks.mjs, python/pool.py); factorial(1000) takes only ~0.15 ms here, so 3000 makes it about 1 ms. ` +
        `Run inline in one process, with no pool, the job took ${nodeInline !== undefined ? fmt(nodeInline) : '–'} ms in Node and ${pyInline !== undefined ? fmt(pyInline) : '–'} ms in Python (median), ` +
        'so "of 2 cores" is a row\'s rate × its language\'s inline time ÷ 2: the share of two cores spent on the jobs. The machine has only 2 cores, and the parent (which submits and collects) shares them with the workers.',
      ...pythonNotes,
    ],
  });
  result.push(cpu);

  // 5. Fixed overhead curve (ours).
  const reference = `2 workers, ${label(sizes.burstTasks)} tasks`;
  // Each axis alone (the goal takes both together): slowest ÷ fastest median, the reference row on both.
  const spreadOf = (contestants: string[]) => {
    const medians = contestants.map((c) => medianOf(s, c, 'usPerTask')).filter((m): m is number => m !== undefined);
    return medians.length > 1 ? `${fmt(Math.max(...medians) / Math.min(...medians))}×` : '–';
  };
  const bySize = spreadOf(sizes.curveWorkers.map((workers) => `curve-w${workers}`));
  const byBurst = spreadOf(['curve-w2', ...sizes.curveTasks.map((n) => `curve-n${n}`)]);
  const curve = withRatios({
    id: 'pool-overhead-curve',
    title: 'Pool: fixed overhead per task — our burst throughput by pool size and by burst size',
    unit: 'µs per task',
    better: 'lower',
    reference,
    rows: [
      ...sizes.curveWorkers.flatMap((workers) =>
        rowOf(s, `curve-w${workers}`, 'usPerTask', `${workers} worker${workers === 1 ? '' : 's'}, ${label(sizes.burstTasks)} tasks`, { ours: true }),
      ),
      ...sizes.curveTasks.flatMap((n) => rowOf(s, `curve-n${n}`, 'usPerTask', `2 workers, ${label(n)} tasks`, { ours: true })),
    ],
    goal: {
      issue: 4,
      name: `Pool fixed overhead per task across ${sizes.curveWorkers[0]}–${sizes.curveWorkers.at(-1)} workers and ${label(Math.min(...sizes.curveTasks, sizes.burstTasks))}–${label(Math.max(...sizes.curveTasks, sizes.burstTasks))} tasks`,
      text: 'flat: the slowest row within 1.5 × the fastest',
      measure: 'spread',
      op: '<=',
      target: 1.5,
    },
    notes: [
      'As in the burst table: N `pool.apply(id, [i])` submitted at once, all awaited; µs per task = the inverse of the throughput. On 2 cores, the 4- and 8-worker rows oversubscribe.',
      `Each axis alone: by pool size (${sizes.curveWorkers.join(', ')} workers, ${label(sizes.burstTasks)} tasks) the slowest row is ${bySize} the fastest; by burst size (2 workers) ${byBurst}.`,
      `Each timed burst follows an untimed burst of ${label(sizes.burstTasks)} tasks (or its own size, if smaller) on the same pool. On this machine (a VM), the first allocation-heavy work after a few seconds of idling runs 2–4× slower: a plain JavaScript loop that allocates took 112–137 ms after 10 s idle against 33–46 ms after 100 ms (a loop that does not allocate, 122 ms either way). Without the warm-up, the 1-, 4- and 8-worker pools, idle for a round between their bursts, paid that where the 2-worker pool, busy in four rows, did not: the 4-worker row ran 1.05–2.5× the 2-worker row within every round.`,
      `The order of the rows rotates from round to round (${sizes.reps.curve} rounds): the largest burst (${label(Math.max(...sizes.curveTasks))} tasks) leaves the most garbage (about half a GB at 1 M), and in a fixed order the same row, the one after it, always paid for collecting it.`,
    ],
  });
  result.push(curve);

  // 6. Busy polling on and off.
  const caseName = (c: (typeof POLL_CASES)[number]) =>
    `${c.us === 0 ? 'no-op task' : `${c.us} µs task`}, ${c.callers === 1 ? '1 caller' : `${c.callers} callers`}`;
  result.push(
    withRatios({
      id: 'pool-busy-poll',
      title: 'Pool: busy polling on (the default) and off, 2 workers, callers awaiting one task at a time',
      unit: 'µs per task',
      better: 'lower',
      reference: undefined,
      rows: POLL_CASES.flatMap((c) => [
        ...rowOf(s, 'poll-on', c.key, `${caseName(c)}: polling on`, { ours: true }),
        ...rowOf(s, 'poll-off', c.key, `${caseName(c)}: polling off`, { note: 'workers with MULTIPROC_BUSY_POLL_US=0, the parent with a window of 0' }),
      ]),
      notes: [
        `Each caller awaits \`pool.apply(spinFor, [µs])\` (a task that spins on the clock, fixtures/pool-tasks.mjs) or \`pool.apply(id, [i])\` ${sizes.pollTasks} times in a row; ` +
          'two callers do so at once. µs per task = wall time / tasks. Polling pays while a core would otherwise idle; with two callers and two workers busy on 2 cores, ' +
          'a parent that polls takes CPU the workers need, and it pauses when it sees that (docs/design-notes.md, "Busy polling for the reply"). Compare each pair of rows.',
      ],
    }),
  );
  return result;
}
