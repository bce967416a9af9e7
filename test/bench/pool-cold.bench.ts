/**
 * The cold pool: what a short program, a command-line tool or a test suite
 * sees. fixtures/cold-pool-probe.mjs, run by each Node line in a new process
 * per sample, makes a fresh 2-worker pool of ours and one of poolifier's
 * FixedClusterPool (the best process-based peer of the warm tables), waits
 * until its workers are up (ours: two 'workerStart' events; poolifier: its
 * 'ready' event), then times the first 2,000 sequential round trips (or the
 * first burst of 20,000 tasks), and the same again on the same pool. No process
 * start is inside a timed span; the probe's own code, like a new program's, is
 * cold for each library (which goes first alternates by round).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { missingNote, nodeBinaries, type NodeBinary } from './lib/node-versions.js';
import { row, withRatios, type BenchOptions, type Row, type Scenario } from './lib/stats.js';

const PROBE = fileURLToPath(new URL('./fixtures/cold-pool-probe.mjs', import.meta.url));

function probe(node: NodeBinary, mode: 'rt' | 'burst', tasks: number, poolifierFirst: boolean): Record<string, number[]> {
  const args = [PROBE, mode, String(tasks), ...(poolifierFirst ? ['poolifier-first'] : [])];
  const result = spawnSync(node.path, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 600_000 });
  if (result.error || result.status !== 0) throw new Error(`cold-pool-probe.mjs on Node ${node.version} failed: ${result.error?.message ?? `exit ${result.status}`}`);
  return (JSON.parse(result.stdout) as { samples: Record<string, number[]> }).samples;
}

const v = (node: NodeBinary) => `Node ${node.version.slice(1)}`;

/** One table: per Node line, ours and poolifier's first measure (and the next, for comparison). */
function scenario(
  mode: 'rt' | 'burst',
  tasks: number,
  binaries: NodeBinary[],
  samples: Map<string, Record<string, number[]>>,
  missing: string[],
): Scenario {
  const rt = mode === 'rt';
  const judged: string[] = [];
  const rows: Row[] = binaries.flatMap((node) => {
    const s = samples.get(node.version)!;
    const ours = `${v(node)}: multiproc, fresh pool`;
    const theirs = `${v(node)}: poolifier, fresh pool`;
    // Node 20, past its end of life, is shown and not judged (as in the other per-version goals).
    if (node.stripsTypes) judged.push(ours);
    // The ratio to poolifier of the same Node, per sample (both pools ran in the same probe).
    const ratios = s.ours1!.map((x, i) => x / s.poolifier1![i]!);
    return [
      row(ours, ratios, { ours: true, note: `${fmtValue(s.ours1!, rt)}; the next ${rt ? 'round trips' : 'burst'} on the same pool ${fmtValue(s.ours2!, rt)}` }),
      row(theirs, s.poolifier1!.map(() => 1), { note: `${fmtValue(s.poolifier1!, rt)}; the next ${fmtValue(s.poolifier2!, rt)}` }),
    ];
  });
  const goal = rt
    ? { issue: 18, name: 'Cold pool: first 2,000 round trips, 2 workers', text: "≤ poolifier's, on fresh pools, on every Node line CI runs (22, 24, 26)", measure: 'value' as const, op: '<=' as const, target: 1, of: 'worst' as const, rows: judged }
    : { issue: 18, name: 'Cold pool: first 20,000-task burst, 2 workers', text: "≥ 3 × poolifier's, on fresh pools, on every Node line CI runs (22, 24, 26)", measure: 'value' as const, op: '>=' as const, target: 3, of: 'worst' as const, rows: judged };
  return withRatios({
    id: rt ? 'pool-cold-round-trip' : 'pool-cold-burst',
    title: rt
      ? `Pool, cold: the first ${tasks.toLocaleString('en-US')} sequential round trips of a fresh 2-worker pool, against poolifier's on the same Node`
      : `Pool, cold: the first burst of ${tasks.toLocaleString('en-US')} no-op tasks on a fresh 2-worker pool, against poolifier's on the same Node`,
    unit: rt ? "× poolifier's µs per task (lower is better)" : "× poolifier's tasks/s (higher is better)",
    better: rt ? 'lower' : 'higher',
    rows,
    goal,
    notes: [
      `Each sample is a new process (fixtures/cold-pool-probe.mjs) run by that Node, with one fresh pool of each library, up before the clock starts; a row is ours divided by poolifier's in the same process. The notes of each row give the medians (${rt ? 'µs per task' : 'tasks/s'}), and those of the same measure again on the same pool. The warm figures are in the Pool tables above.`,
      ...missingNote(missing),
    ],
  });
}

function fmtValue(values: number[], rt: boolean): string {
  const median = row('', values).median;
  return rt ? `${median.toFixed(0)} µs` : `${Math.round(median).toLocaleString('en-US')} tasks/s`;
}

/** The heading of this file's section and chart in docs/benchmarks.md. */
export const title = 'Pool, cold: fresh pools (vs poolifier)';

export async function run(options: BenchOptions): Promise<Scenario[]> {
  const { binaries, missing } = nodeBinaries();
  const rtTasks = options.quick ? 200 : 2_000;
  const burstTasks = options.quick ? 2_000 : 20_000;
  const reps = options.quick ? 1 : 6;
  const rt = new Map(binaries.map((node) => [node.version, {} as Record<string, number[]>]));
  const burst = new Map(binaries.map((node) => [node.version, {} as Record<string, number[]>]));
  options.log(`pool-cold: ${reps} rounds of a fresh pool of each library, on each of ${binaries.map((n) => n.version).join(', ')}`);
  for (let round = 0; round < reps; round++) {
    for (const node of binaries) {
      for (const [mode, tasks, into] of [['rt', rtTasks, rt], ['burst', burstTasks, burst]] as const) {
        const got = probe(node, mode, tasks, round % 2 === 1);
        const mine = into.get(node.version)!;
        for (const [metric, values] of Object.entries(got)) (mine[metric] ??= []).push(...values);
      }
    }
    options.log(`  round ${round + 1}/${reps}`);
  }
  return [scenario('rt', rtTasks, binaries, rt, missing), scenario('burst', burstTasks, binaries, burst, missing)];
}
