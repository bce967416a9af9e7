/**
 * Runs the benchmarks (every test/bench/*.bench.ts, one after the other) and
 * writes docs/benchmarks.md, its charts (docs/bench-*.svg) and docs/benchmarks.json.
 *
 *   pnpm bench                                        # everything, writes docs/
 *   node --import tsx test/bench/run.ts transport     # only benches whose file name contains "transport"
 *   node --import tsx test/bench/run.ts --quick       # CI smoke run: every scenario once or a few times, small sizes
 *   node --import tsx test/bench/run.ts --render-only [file.json]
 *       # no benchmark: re-renders the page and charts beside file.json (default docs/benchmarks.json) from it
 *
 * A --quick run or a run of some benches only does not touch docs/: it prints
 * the tables and writes .bench-tmp/ (page, charts, JSON).
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { summaryLines } from './lib/goals.js';
import { machine } from './lib/machine.js';
import { renderCharts, renderMarkdown, type BenchResult, type RunResults } from './lib/page.js';
import type { BenchOptions, Scenario } from './lib/stats.js';

const benchDir = fileURLToPath(new URL('.', import.meta.url));
const root = join(benchDir, '..', '..');
/** The order of the page's sections (the pool first: what most people come for); other files follow by name. */
const ORDER = ['example5', 'pool', 'pool-cold', 'primitives', 'pipe-sizes', 'process-start', 'transport', 'memory'].map((name) => `${name}.bench.ts`);
const rank = (file: string) => (ORDER.includes(file) ? ORDER.indexOf(file) : ORDER.length);

/** What a *.bench.ts file exports. */
interface BenchModule {
  /** What the file compares: the heading of its section and chart. */
  title: string;
  run: (options: BenchOptions) => Promise<Scenario[]>;
}

/** Pretty JSON with numbers rounded to 3 decimals and each array of numbers on one line. */
function toJson(value: unknown): string {
  const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' ? Math.round(v * 1000) / 1000 : v), 1);
  return text.replace(/\[[-\d.e,\s]*\]/g, (array) => array.replace(/\s+/g, ' ').replace('[ ', '[').replace(' ]', ']')) + '\n';
}

/** Writes the page and its charts into `dir`; returns the chart file names. */
function writePage(dir: string, results: RunResults): string[] {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'benchmarks.md'), renderMarkdown(results));
  const charts = renderCharts(results);
  for (const [file, svg] of charts) writeFileSync(join(dir, file), svg);
  return [...charts.keys()];
}

function renderOnly(path: string | undefined): void {
  const source = resolve(path ?? join(root, 'docs', 'benchmarks.json'));
  const results = JSON.parse(readFileSync(source, 'utf8')) as RunResults;
  const charts = writePage(dirname(source), results);
  process.stderr.write(`bench: rendered ${relative(root, dirname(source)) || '.'}/benchmarks.md and ${charts.join(', ')} from ${relative(root, source)}\n`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--render-only')) return renderOnly(args.find((a) => !a.startsWith('--')));
  const quick = args.includes('--quick');
  const filters = args.filter((a) => !a.startsWith('--'));
  const files = readdirSync(benchDir)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => filters.length === 0 || filters.some((name) => f.includes(name)))
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  if (files.length === 0) throw new Error(`no benchmark matches ${filters.join(', ')}`);
  const options: BenchOptions = { quick, log: (line) => process.stderr.write(`${line}\n`) };
  const info = machine();
  const started = performance.now();
  const results: BenchResult[] = [];
  for (const file of files) {
    const t0 = performance.now();
    const bench = (await import(pathToFileURL(join(benchDir, file)).href)) as BenchModule;
    const scenarios = await bench.run(options);
    results.push({ file, title: bench.title, seconds: (performance.now() - t0) / 1000, scenarios });
  }
  const run: RunResults = { machine: info, quick, results };
  // A goal that names a row no longer there (renamed, or its contestant skipped) says so rather than vanish from the summary.
  for (const line of summaryLines(results.flatMap((r) => r.scenarios))) {
    if (line.verdict.met === undefined) options.log(`bench: "${line.name}" not judged: a row its goal needs is missing from ${line.scenario.id}`);
  }
  const toDocs = !quick && filters.length === 0;
  const outDir = toDocs ? join(root, 'docs') : join(root, '.bench-tmp');
  const charts = writePage(outDir, run);
  writeFileSync(join(outDir, 'benchmarks.json'), toJson(run));
  if (!toDocs) process.stdout.write(renderMarkdown(run));
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  options.log(`bench: ${files.length} file(s) in ${seconds} s; wrote ${relative(root, outDir)}/benchmarks.{md,json} and ${charts.length} chart(s)`);
}

await main();
