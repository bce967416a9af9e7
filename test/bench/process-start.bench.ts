/**
 * Process start: time from `start()` to the target running, and to `join()`
 * resolving, against a bare Node boot — the issue's goal is start-to-running
 * ≤ 1.05 × a bare Node boot — plus a breakdown of where our start time goes,
 * and Python's multiprocessing for comparison.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Process, keepSpares, sparesReady, type ProcessOptions } from '@multiproc/process';
import { forkTimed, spawnTimed, wallNow } from './lib/clock.js';
import { missingNote, nodeBinaries } from './lib/node-versions.js';
import { runProbe } from './lib/probe.js';
import { fmt, interleave, row, summarize, type BenchOptions, type Contestant, type Row, type Scenario, type Samples, withRatios } from './lib/stats.js';

const node = process.execPath;
const TARGETS = new URL('./fixtures/targets.mjs', import.meta.url);
const BOOT_STEPS = fileURLToPath(new URL('./fixtures/boot-steps.mjs', import.meta.url));
const PYTHON_SCRIPT = fileURLToPath(new URL('./python/process_start.py', import.meta.url));
const WRITE_TIMESTAMP = 'process.stdout.write(String(performance.timeOrigin + performance.now()))';
const GOAL = 1.05;
/** Issue #18: start → running within this many bare boots of the same Node, on every Node line. */
const VERSIONS_GOAL = 1.1;

/** Starts a Process whose target writes the time it began running to a file; returns the times in ms after start(). */
async function timeProcess(dir: string, options: Omit<ProcessOptions, 'target' | 'module' | 'args'>): Promise<Record<string, number>> {
  const path = join(dir, `running-${Math.random().toString(36).slice(2)}`);
  const p = new Process({ target: 'reportRunning', module: TARGETS, args: [path], ...options });
  const t0 = wallNow();
  p.start();
  const startCall = wallNow() - t0;
  await p.join();
  const joined = wallNow() - t0;
  if (p.exitCode !== 0) throw new Error(`${p} did not exit with 0`);
  const running = Number(readFileSync(path, 'utf8')) - t0;
  rmSync(path);
  return { startCall, running, join: joined };
}

const bootStep = (step: string, env?: NodeJS.ProcessEnv): Contestant => ({
  name: `step:${step}`,
  run: async () => ({ running: (await spawnTimed(node, [BOOT_STEPS, step], env ? { env } : {})).reported }),
});

function contestants(dir: string): Contestant[] {
  const noNative = { ...process.env, MSGPACKR_NATIVE_ACCELERATION_DISABLED: 'true' };
  return [
    { name: 'node-empty', run: async () => ({ exit: (await spawnTimed(node, ['-e', ''], { stdio: ['ignore', 'ignore', 'inherit'] })).exit }) },
    {
      name: 'node-write',
      run: async () => {
        const t = await spawnTimed(node, ['-e', WRITE_TIMESTAMP]);
        return { firstByte: t.firstByte ?? NaN, running: t.reported, exit: t.exit };
      },
    },
    { name: 'process', run: () => timeProcess(dir, { execArgv: [] }) },
    {
      name: 'process-spare',
      run: async () => {
        keepSpares(1);
        await sparesReady({ timeout: 60_000 });
        try {
          return await timeProcess(dir, {});
        } finally {
          keepSpares(0);
        }
      },
    },
    { name: 'process-tsx', run: () => timeProcess(dir, { execArgv: ['--import', import.meta.resolve('tsx')] }) },
    { name: 'process-no-native', run: () => timeProcess(dir, { execArgv: [], env: noNative }) },
    bootStep('none'),
    bootStep('wire'),
    bootStep('wire-js', noNative),
    bootStep('process'),
    bootStep('process+watchdog'),
    { name: 'fork-ipc', run: async () => ({ running: (await forkTimed(BOOT_STEPS, ['none'])).reported }) },
  ];
}

/** Runs the Python script; undefined (with a note) when python3 is missing. */
function runPython(options: BenchOptions): { version: string; samples: Record<string, number[]> } | string {
  const reps = options.quick ? ['--reps', '3', '--warmup', '1'] : ['--reps', '25', '--warmup', '3'];
  const result = spawnSync('python3', [PYTHON_SCRIPT, '--node', node, ...reps], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (result.error) return `Python rows skipped: python3 could not be run (${result.error.message}).`;
  if (result.status !== 0) return `Python rows skipped: ${PYTHON_SCRIPT} exited with ${result.status}.`;
  const parsed = JSON.parse(result.stdout) as { python: string; samples: Record<string, number[]> };
  return { version: parsed.python, samples: parsed.samples };
}

function nodeScenarios(s: Samples): Scenario[] {
  const get = (name: string, metric: string) => s[name]![metric]!;
  const ours = 'Process.start() → target runs';
  const running = withRatios({
    id: 'process-start-running',
    title: 'Process start: start() → target running',
    unit: 'ms',
    better: 'lower',
    reference: 'bare Node boot: spawn → first stdout byte',
    rows: [
      row('bare Node boot: spawn → first stdout byte', get('node-write', 'firstByte'), { note: '`node -e \'process.stdout.write(…)\'`' }),
      row('bare Node boot: spawn → its code runs', get('node-write', 'running'), { note: "child's own clock" }),
      row(ours, get('process', 'running'), { note: '`execArgv: []`', ours: true }),
      row('Process.start() → target runs, from a warm spare', get('process-spare', 'running'), { note: '`keepSpares(1)`; the spare inherits this process\'s `--import tsx`', ours: true }),
      row('Process.start() → target runs, child loads tsx', get('process-tsx', 'running'), { note: '`execArgv: [--import, tsx]`', ours: true }),
    ],
    goal: { issue: 2, name: 'Process start → target running', text: `≤ ${GOAL} × a bare Node boot`, measure: 'ratio', op: '<=', target: GOAL, rows: [ours] },
  });
  const startCall = row('start() call', get('process', 'startCall'));
  running.notes = [
    `\`start()\` itself returns after ${startCall.median.toFixed(2)} ms (median; the synchronous fork). ` +
      "“Target runs” is the target's own wall-clock timestamp (`performance.timeOrigin + performance.now()`), " +
      "so it does not include the time for the parent to notice.",
  ];
  const exit = withRatios({
    id: 'process-start-join',
    title: 'Process start: start() → join() resolves (the target returns at once)',
    unit: 'ms',
    better: 'lower',
    reference: "bare Node boot: spawn → exit (`node -e ''`)",
    rows: [
      row("bare Node boot: spawn → exit (`node -e ''`)", get('node-empty', 'exit')),
      row('Process.start() → join() resolves', get('process', 'join'), { note: '`execArgv: []`', ours: true }),
      row('Process.start() → join() resolves, child loads tsx', get('process-tsx', 'join'), { ours: true }),
    ],
  });
  const steps = withRatios({
    id: 'process-start-breakdown',
    title: 'Where the start time goes: spawn → code runs, booting a child up to each step',
    unit: 'ms',
    better: 'lower',
    reference: 'bare Node, ESM entry (fixtures/boot-steps.mjs none)',
    rows: [
      row('bare Node, ESM entry (fixtures/boot-steps.mjs none)', get('step:none', 'running')),
      row('… forked with the IPC channel and fd 4 pipe of a Process child', get('fork-ipc', 'running')),
      row("… + import '@multiproc/wire'", get('step:wire', 'running')),
      row("… + import '@multiproc/wire', msgpackr native extension off", get('step:wire-js', 'running'), { note: 'MSGPACKR_NATIVE_ACCELERATION_DISABLED=true' }),
      row("… + import '@multiproc/process'", get('step:process', 'running')),
      row("… + import '@multiproc/process' + start the watchdog worker", get('step:process+watchdog', 'running')),
      row('Process.start() → target runs', get('process', 'running'), { ours: true }),
      row('Process.start() → target runs, msgpackr native extension off', get('process-no-native', 'running'), { note: 'same env var, given to the child', ours: true }),
    ],
    notes: [
      'Each row is a separate child (measured interleaved with the tables above); the difference between two rows is what the added step costs. ' +
        'A Process child does all of these and then waits for the boot message, imports the target module and calls the target.',
    ],
  });
  return [running, exit, steps];
}

function pythonScenario(python: ReturnType<typeof runPython>): Scenario {
  const scenario: Scenario = {
    id: 'process-start-python',
    title: 'Python multiprocessing.Process, for comparison',
    unit: 'ms',
    better: 'lower',
    reference: 'bare Node boot: spawn → first stdout byte (timed from Python)',
    rows: [],
  };
  if (typeof python === 'string') return { ...scenario, notes: [python] };
  const get = (key: string) => python.samples[key]!;
  scenario.rows = [
    row(scenario.reference!, get('node_first_byte.first_byte')),
    row("bare Node boot: spawn → exit (`node -e ''`, timed from Python)", get('node_exit.exit')),
    row('bare Python boot: spawn → exit (`python3 -c pass`)', get('python_exit.exit')),
    ...(['fork', 'spawn', 'forkserver'] as const).flatMap((method) => [
      row(`${method}: start() → target runs`, get(`${method}.running`)),
      row(`${method}: start() → join() returns`, get(`${method}.join`)),
    ]),
  ];
  scenario.notes = [
    `Python ${python.version}, run by test/bench/python/process_start.py after the Node contestants; it interleaves its own bare-Node reference, so its ratios are side by side.`,
  ];
  return withRatios(scenario);
}

/**
 * Start → running on every Node line (fixtures/start-probe.mjs run by each Node, a parent and children of the same
 * version): each round's start divided by that round's bare boot, cold and from a warm spare; rounds interleaved
 * across the versions.
 */
function versionsScenario(options: BenchOptions): Scenario {
  const { binaries, missing } = nodeBinaries();
  const reps = options.quick ? 1 : 9;
  const samples = new Map(binaries.map((node) => [node.version, {} as Record<string, number[]>]));
  options.log(`process-start: ${reps} rounds on each of ${binaries.map((n) => n.version).join(', ')}`);
  for (let round = 0; round < reps; round++) {
    for (const node of binaries) {
      const got = runProbe(node, 'start', 1, round === 0 ? 1 : 0);
      const mine = samples.get(node.version)!;
      for (const [metric, values] of Object.entries(got)) (mine[metric] ??= []).push(...values);
    }
  }
  const spareRows: string[] = [];
  const rows: Row[] = binaries.flatMap((node) => {
    const s = samples.get(node.version)!;
    const spare = `Node ${node.version.slice(1)}: Process.start() → target runs, from a warm spare`;
    spareRows.push(spare);
    return [
      row(`Node ${node.version.slice(1)}: Process.start() → target runs`, s.coldRatio!, { ours: true, note: 'a child booted by the start' }),
      row(spare, s.spareRatio!, { ours: true, note: '`keepSpares(1)`, `await sparesReady()` before the start' }),
    ];
  });
  const absolute = binaries
    .map((node) => {
      const s = samples.get(node.version)!;
      const ms = (metric: string) => fmt(summarize(s[metric]!).median);
      return `Node ${node.version.slice(1)}: bare ${ms('bare')} ms, start → running ${ms('cold')} ms cold, ${ms('spare')} ms from a spare`;
    })
    .join('; ');
  return {
    id: 'process-start-versions',
    title: 'Process start → target running on each Node line, in bare boots of the same Node',
    unit: '× a bare boot (spawn → first stdout byte of `node -e`)',
    better: 'lower',
    rows,
    goal: {
      issue: 18,
      name: 'Process start → target running, every Node line',
      text: `≤ ${VERSIONS_GOAL} × a bare \`node\` boot of the same version, on every Node line`,
      measure: 'value',
      op: '<=',
      target: VERSIONS_GOAL,
      of: 'worst',
      rows: spareRows,
    },
    notes: [
      'Each sample is one round of fixtures/start-probe.mjs, run by that Node (parent and children of one version, no loader flags): a bare boot, a start that boots a child, and a start that takes a warm spare, each start divided by the bare boot of its round. ' +
        `Medians in ms: ${absolute}. The goal is judged on the spare rows: a start that boots a Node cannot come within 10% of a bare boot of Node, as it is one plus our modules (see the breakdown table).`,
      ...missingNote(missing),
    ],
  };
}

/** The heading of this file's section and chart in docs/benchmarks.md. */
export const title = 'Process start (vs bare Node, Python)';

export async function run(options: BenchOptions): Promise<Scenario[]> {
  const dir = mkdtempSync(join(tmpdir(), 'multiproc-bench-'));
  try {
    const reps = options.quick ? 3 : 25;
    options.log(`process-start: ${reps} interleaved rounds of ${contestants(dir).length} contestants`);
    const samples = await interleave(contestants(dir), {
      warmup: options.quick ? 1 : 3,
      reps,
      onRound: (round) => options.log(`  round ${round}/${reps}`),
    });
    options.log('process-start: Python multiprocessing');
    const versions = versionsScenario(options);
    return [...nodeScenarios(samples), versions, pythonScenario(runPython(options))];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
