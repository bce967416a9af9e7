/**
 * The article's example 5 (docs/examples/05-pool.ts): `Pool(8)` runs 16 tasks of
 * five 0.2 s sleeps — "about 2 s, not 16". Each sample runs the whole program,
 * from spawn to exit, exactly as the README's demo command runs it
 * (docs/examples/demo.mjs): `node 05-pool.ts` where Node strips TypeScript
 * itself, `node --import tsx 05-pool.ts` where it does not (Node 20), with
 * Node's compile cache on (NODE_COMPILE_CACHE). One row per Node line the
 * project supports (lib/node-versions.ts), against the same program in Python
 * (python/example5.py) with the spawn and fork start methods, interleaved.
 */
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { wallNow } from './lib/clock.js';
import { missingNote, nodeBinaries, type NodeBinary } from './lib/node-versions.js';
import { interleave, row, withRatios, type BenchOptions, type Contestant, type Row, type Scenario } from './lib/stats.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EXAMPLE = fileURLToPath(new URL('../../docs/examples/05-pool.ts', import.meta.url));
const PYTHON_SCRIPT = fileURLToPath(new URL('./python/example5.py', import.meta.url));
const PYTHON_METHODS = ['spawn', 'fork'] as const;

/** Runs a program to its end: wall-clock seconds from spawn to exit, and the seconds it printed for itself. */
function timeProgram(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const t0 = wallNow();
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const wall = (wallNow() - t0) / 1000;
      if (code !== 0) return reject(new Error(`${command} ${args.join(' ')} exited with ${code ?? signal}`));
      // "All process last 2.31 seconds." (ours, the article's wording) / "All process ran 2.31 seconds." (Python)
      const own = /All process (?:last|ran) ([\d.]+) seconds/.exec(stdout);
      resolve({ wall, own: own ? Number(own[1]) : NaN });
    });
  });
}

/** How the demo command runs an example on `node` (docs/examples/demo.mjs: the same rule, the same environment). */
function demoRun(node: NodeBinary): { args: string[]; env: NodeJS.ProcessEnv } {
  return {
    args: [...(node.stripsTypes ? [] : ['--import', 'tsx']), EXAMPLE],
    env: { NODE_COMPILE_CACHE: join(tmpdir(), 'node-compile-cache'), ...process.env },
  };
}

const oursName = (node: NodeBinary) => `multiproc, Node ${node.version.slice(1)}${node.stripsTypes ? '' : ' (under tsx)'}`;
const pythonName = (method: string) => `Python, ${method}`;

/** The heading of this file's section and chart in docs/benchmarks.md. */
export const title = "The article's example 5 (vs Python)";

export async function run(options: BenchOptions): Promise<Scenario[]> {
  const { binaries, missing } = nodeBinaries();
  const contestants: Contestant[] = [
    ...PYTHON_METHODS.map((method) => ({ name: pythonName(method), run: () => timeProgram('python3', [PYTHON_SCRIPT, method], process.env) })),
    ...binaries.map((node) => ({
      name: oursName(node),
      run: () => {
        const { args, env } = demoRun(node);
        return timeProgram(node.path, args, env);
      },
    })),
  ];
  const reps = options.quick ? 1 : 5;
  const warmup = options.quick ? 0 : 1;
  options.log(`example5: ${warmup} + ${reps} interleaved rounds of ${contestants.length} programs (~3 s each)`);
  const samples = await interleave(contestants, { warmup, reps, rotate: true, onRound: (round) => options.log(`  round ${round}/${reps}`) });
  const python = (method: string, metric: string) => samples[pythonName(method)]?.[metric] ?? [];
  // The goal counts the lines CI runs the whole suite on natively (22, 24, 26); Node 20, past its end of life, is shown.
  const judged = binaries.filter((node) => node.stripsTypes).map(oursName);
  const rows: Row[] = [
    row(pythonName('spawn'), python('spawn', 'wall'), { note: '`multiprocessing.set_start_method("spawn")`, python/example5.py' }),
    row(pythonName('fork'), python('fork', 'wall')),
    ...binaries.map((node) =>
      row(oursName(node), samples[oursName(node)]!.wall!, {
        ours: true,
        note: `\`node ${node.stripsTypes ? '' : '--import tsx '}docs/examples/05-pool.ts\``,
      }),
    ),
  ];
  const own = [...PYTHON_METHODS.map((m) => [pythonName(m), python(m, 'own')] as const), ...binaries.map((n) => [oursName(n), samples[oursName(n)]!.own!] as const)]
    .map(([name, values]) => `${name} ${row(name, values).median.toFixed(2)} s`)
    .join(', ');
  const scenario = withRatios({
    id: 'example-5',
    title: "The article's example 5: Pool(8) runs 16 one-second tasks, whole program (spawn → exit)",
    unit: 's',
    better: 'lower',
    reference: pythonName('spawn'),
    rows,
    goal: {
      issue: 18,
      name: "The article's example 5 under the demo command, every Node line CI runs natively",
      text: "≤ Python spawn's time, on every Node version that runs TypeScript itself (22, 24, 26)",
      measure: 'ratio',
      op: '<=',
      target: 1,
      of: 'worst',
      rows: judged,
      stretch: { text: "≤ Python fork's", measure: 'ratio', op: '<=', target: 1, of: 'worst', rows: judged, versus: pythonName('fork') },
    },
    notes: [
      'Each sample runs the program from spawn to exit, as the README\'s demo command runs it (docs/examples/demo.mjs): natively where Node strips TypeScript, under tsx on Node 20, with `NODE_COMPILE_CACHE` set (a warm-up round first fills the cache). ' +
        `The programs' own figure ("All process last … seconds", from before \`new Pool\` to after \`join()\`), median: ${own}.`,
      ...missingNote(missing),
    ],
  });
  return [scenario];
}
