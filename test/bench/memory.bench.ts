/**
 * Memory, read from Linux's /proc (elsewhere the tables say why they are empty):
 *
 * 1. The resident set of an idle child: a bare Node process, our Process child,
 *    a worker of our Pool and of each peer pool (one worker, after one task;
 *    fixtures/idle-pool.mjs in a fresh Node process with no loader flags), and
 *    Python's Process (fork, spawn) and Pool worker (python/memory.py).
 * 2. The parent's peak resident set while 1 M no-op tasks stream through `imap`
 *    from a lazy generator: ours (fixtures/imap-memory.mjs) against Python's
 *    `Pool.imap`, each in a fresh process.
 */
import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Pipe } from '@multiproc/pipe';
import { Process } from '@multiproc/process';
import { missingNote, nodeBinaries } from './lib/node-versions.js';
import { runProbe } from './lib/probe.js';
import { canMeasureMemory, descendants, rssMiB } from './lib/rss.js';
import { fmt, interleave, row, summarize, withRatios, type BenchOptions, type Contestant, type Row, type Samples, type Scenario } from './lib/stats.js';
import { runPythonScript, type PythonNotes } from './lib/python.js';

const node = process.execPath;
const TARGETS = new URL('./fixtures/targets.mjs', import.meta.url);
const IDLE_POOL = fileURLToPath(new URL('./fixtures/idle-pool.mjs', import.meta.url));
const IMAP_MEMORY = fileURLToPath(new URL('./fixtures/imap-memory.mjs', import.meta.url));
const PYTHON_SCRIPT = fileURLToPath(new URL('./python/memory.py', import.meta.url));
const IDLE_NODE = "process.stdout.write('{}\\n'); process.stdin.resume(); process.stdin.on('end', () => process.exit(0));";

interface Sizes {
  /** ms a child sits idle before its memory is read. */
  settleMs: number;
  /** Tasks through imap. */
  imapItems: number;
  /** imap's chunksize, the same on both sides. */
  chunksize: number;
  reps: number;
  warmup: number;
}

const FULL: Sizes = { settleMs: 300, imapItems: 1_000_000, chunksize: 100, reps: 5, warmup: 1 };
const QUICK: Sizes = { settleMs: 100, imapItems: 20_000, chunksize: 100, reps: 1, warmup: 0 };

type PoolLibrary = 'ours' | 'poolifier' | 'workerpool' | 'tinypool' | 'piscina';
const POOLS: Array<{ library: PoolLibrary; name: string }> = [
  { library: 'ours', name: 'multiproc Pool worker' },
  { library: 'poolifier', name: 'poolifier FixedClusterPool worker' },
  { library: 'workerpool', name: "workerpool worker, workerType 'process'" },
  { library: 'tinypool', name: "tinypool worker, runtime 'child_process'" },
  { library: 'piscina', name: 'piscina worker thread: what it adds to its process' },
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts a Node child that prints one JSON line when ready and exits when its stdin ends. */
async function startIdle(args: string[]): Promise<{ child: ChildProcessByStdio<Writable, Readable, null>; ready: Record<string, number>; stop: () => Promise<void> }> {
  const child = spawn(node, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const line = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => {
      text += String(chunk);
      if (text.includes('\n')) resolve(text.slice(0, text.indexOf('\n')));
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code} before it was ready`)));
  });
  return {
    child,
    ready: JSON.parse(line) as Record<string, number>,
    stop: async () => {
      child.stdin.end();
      await exited;
    },
  };
}

/** The summed resident set of the processes descended from `pid`. */
const descendantsMiB = (pid: number) => descendants(pid).reduce((sum, p) => sum + (rssMiB(p) ?? 0), 0);

async function bareNode(settleMs: number): Promise<Record<string, number>> {
  const idle = await startIdle(['-e', IDLE_NODE]);
  await sleep(settleMs);
  const mib = rssMiB(idle.child.pid!);
  await idle.stop();
  return mib === undefined ? {} : { rssMiB: mib };
}

async function ourProcess(settleMs: number): Promise<Record<string, number>> {
  const [mine, theirs] = Pipe<string>();
  const child = new Process({ target: 'idleUntilClosed', module: TARGETS, args: [theirs], execArgv: [], name: 'bench-idle' }).start();
  if ((await mine.recv()) !== 'ready') throw new Error('idle child: expected ready');
  await sleep(settleMs);
  const mib = rssMiB(child.pid!);
  await mine.close();
  await child.join();
  return mib === undefined ? {} : { rssMiB: mib };
}

async function idlePool(library: PoolLibrary, settleMs: number): Promise<Record<string, number>> {
  // Only piscina's process needs a GC at hand; the others' workers would inherit the flag.
  const idle = await startIdle([...(library === 'piscina' ? ['--expose-gc'] : []), IDLE_POOL, library, String(settleMs)]);
  let mib: number;
  if (library === 'piscina') mib = idle.ready.afterMiB! - idle.ready.beforeMiB!;
  else {
    await sleep(settleMs);
    mib = descendantsMiB(idle.child.pid!);
  }
  await idle.stop();
  return { rssMiB: mib };
}

function ourImap(sizes: Sizes): Record<string, number> {
  const result = spawnSync(node, [IMAP_MEMORY, String(sizes.imapItems), String(sizes.chunksize)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (result.error || result.status !== 0) throw new Error(`${IMAP_MEMORY} failed: ${result.error?.message ?? `exit ${result.status}`}`);
  return JSON.parse(result.stdout) as Record<string, number>;
}

/** The heading of this file's section and chart in docs/benchmarks.md. */
export const title = 'Memory (vs poolifier, workerpool, tinypool, piscina, Python)';

/** Runs the memory scenarios (interleaved rounds); their tables. */
export async function run(options: BenchOptions): Promise<Scenario[]> {
  const sizes = options.quick ? QUICK : FULL;
  if (!canMeasureMemory()) {
    const note = 'Skipped: this machine has no /proc/<pid>/status to read memory from (Linux only).';
    return scenarios({}, sizes, { python: {}, skipped: note });
  }
  const python: PythonNotes = {};
  const contestants: Contestant[] = [
    { name: 'node-bare', run: () => bareNode(sizes.settleMs) },
    { name: 'process', run: () => ourProcess(sizes.settleMs) },
    ...POOLS.map(({ library }) => ({ name: `pool-${library}`, run: () => idlePool(library, sizes.settleMs) })),
    { name: 'python-idle', run: () => runPythonScript(PYTHON_SCRIPT, ['idle', '--settle', sizes.settleMs / 1000], python) },
    { name: 'imap-ours', run: () => ourImap(sizes) },
    { name: 'imap-python', run: () => runPythonScript(PYTHON_SCRIPT, ['imap', '--n', sizes.imapItems, '--chunksize', sizes.chunksize], python) },
  ];
  options.log(`memory: ${sizes.reps} interleaved rounds (+${sizes.warmup} warm-up) of ${contestants.length} contestants; imap of ${sizes.imapItems} tasks`);
  const samples = await interleave(contestants, { warmup: sizes.warmup, reps: sizes.reps, onRound: (r) => options.log(`  round ${r}/${sizes.reps}`) });
  return [...scenarios(samples, sizes, { python }), versionsScenario(sizes, options)];
}

/** Issue #18: an idle child within this many MiB of an idle bare Node of the same version, on every Node line. */
const VERSIONS_GOAL_MIB = 5;

/** An idle Process child against an idle bare Node, on every Node line (fixtures/start-probe.mjs run by each). */
function versionsScenario(sizes: Sizes, options: BenchOptions): Scenario {
  const { binaries, missing } = nodeBinaries();
  const per = new Map(binaries.map((node) => [node.version, {} as Record<string, number[]>]));
  options.log(`memory: ${sizes.reps} rounds on each of ${binaries.map((n) => n.version).join(', ')}`);
  for (let round = 0; round < sizes.reps; round++) {
    for (const node of binaries) {
      const got = runProbe(node, 'memory', 1, 0, sizes.settleMs);
      const mine = per.get(node.version)!;
      for (const [metric, values] of Object.entries(got)) (mine[metric] ??= []).push(...values);
    }
  }
  const absolute = binaries
    .map((node) => {
      const s = per.get(node.version)!;
      return `Node ${node.version.slice(1)}: bare ${fmt(summarize(s.bareMiB!).median)} MiB, our child ${fmt(summarize(s.childMiB!).median)} MiB`;
    })
    .join('; ');
  return {
    id: 'memory-idle-versions',
    title: 'Memory: an idle Process child on each Node line, above an idle bare Node of the same version',
    unit: 'MiB resident (VmRSS) above a bare Node',
    better: 'lower',
    rows: binaries.map((node) =>
      row(`Node ${node.version.slice(1)}: Process child, idle`, per.get(node.version)!.childOverMiB!, {
        ours: true,
        note: '`execArgv: []`, the target awaiting `recv()`',
      }),
    ),
    goal: {
      issue: 18,
      name: 'Idle child memory, every Node line',
      text: `≤ a bare Node's + ${VERSIONS_GOAL_MIB} MiB, on every Node line`,
      measure: 'value',
      op: '<=',
      target: VERSIONS_GOAL_MIB,
      of: 'worst',
    },
    notes: [
      `Each sample is one round of fixtures/start-probe.mjs run by that Node: an idle \`node -e\` and an idle Process child, each read ${sizes.settleMs} ms after it is ready; the row is the difference. ` +
        `Medians: ${absolute}. Of the difference, about 2 MiB is Node's IPC channel, which every child has (a \`fork()\`ed empty module is 2.1 MiB above \`node -e\` on Node 20 and 24), for passing OS handles.`,
      ...missingNote(missing),
    ],
  };
}

function scenarios(s: Samples, sizes: Sizes, context: { python: PythonNotes; skipped?: string }): Scenario[] {
  const rowOf = (contestant: string, metric: string, name: string, extra: Partial<Row> = {}): Row[] => {
    const values = s[contestant]?.[metric];
    return values?.length ? [row(name, values, extra)] : [];
  };
  const median = (contestant: string, metric: string) => {
    const values = s[contestant]?.[metric];
    return values?.length ? fmt(summarize(values).median) : '–';
  };
  const py = `Python ${context.python.python ?? '3'}`;
  const skippedNotes = [...(context.skipped ? [context.skipped] : []), ...(context.python.skipped ? [context.python.skipped] : [])];
  const bare = 'bare Node process, idle';
  const idle = withRatios({
    id: 'memory-idle-child',
    title: 'Memory: resident set of an idle child',
    unit: 'MiB resident (VmRSS)',
    better: 'lower',
    reference: bare,
    rows: [
      ...rowOf('node-bare', 'rssMiB', bare, { note: "`node -e` waiting on stdin" }),
      ...rowOf('process', 'rssMiB', 'multiproc Process child, idle', { note: '`new Process({ target, execArgv: [] })`, the target awaiting `recv()`', ours: true }),
      ...POOLS.flatMap(({ library, name }) => rowOf(`pool-${library}`, 'rssMiB', name, { ours: library === 'ours' })),
      ...rowOf('python-idle', 'forkProcessMiB', `${py} mp.Process child (fork), idle`),
      ...rowOf('python-idle', 'spawnProcessMiB', `${py} mp.Process child (spawn), idle`),
      ...rowOf('python-idle', 'forkPoolWorkerMiB', `${py} mp.Pool worker (fork), idle`),
    ],
    notes: [
      `Each child is read ${sizes.settleMs} ms after it is ready (a pool: after one no-op task, with 1 worker, in a fresh Node process with no loader flags, so that no worker loads tsx). ` +
        "On Linux our children learn of their parent's death from the kernel (setpriv --pdeathsig), with no watchdog thread (where one runs, elsewhere, it is 15–19 MiB more). piscina runs threads: its row is the growth of its process's resident set (after a GC) once its 1-thread pool is up. " +
        "A forked Python child shares its pages with its parent until either writes them; the resident set counts them all.",
      ...skippedNotes,
    ],
  });
  const peak = `${py} mp.Pool: \`imap\`, peak`;
  const imap = withRatios({
    id: 'memory-imap-peak',
    title: `Memory: the parent's peak resident set while ${sizes.imapItems.toLocaleString('en-US')} tasks stream through imap, 2 workers`,
    unit: 'MiB resident (VmHWM: peak; VmRSS: before)',
    better: 'lower',
    reference: peak,
    rows: [
      ...rowOf('imap-python', 'peakMiB', peak, { note: `\`pool.imap(ident, iter(range(n)), ${sizes.chunksize})\`` }),
      ...rowOf('imap-ours', 'peakMiB', 'multiproc Pool: `imap`, peak', { note: `\`pool.imap(id, generator(), { chunksize: ${sizes.chunksize} })\``, ours: true }),
      ...rowOf('imap-python', 'beforeMiB', `${py} mp.Pool: before the imap`, { note: 'pool up, one task done' }),
      ...rowOf('imap-ours', 'beforeMiB', 'multiproc Pool: before the imap', { note: 'pool up, one task done', ours: true }),
    ],
    notes: [
      `Each sample is a fresh process (python/memory.py, fixtures/imap-memory.mjs) that makes a pool of 2, runs one task, reads its resident set, streams the tasks from a lazy generator ` +
        `(chunksize ${sizes.chunksize} on both sides: at Python's default of 1, a million tasks take half a minute), checks every result in order, and reads its peak resident set. ` +
        `Throughput meanwhile, median: ours ${median('imap-ours', 'itemsPerSecond')} items/s, Python ${median('imap-python', 'itemsPerSecond')} items/s.`,
      ...skippedNotes,
    ],
  });
  return [idle, imap];
}
