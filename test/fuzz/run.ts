// Runs the fuzz targets for a given time or number of inputs and prints what they found (issue #19's fuzzer).
//
//   node --import tsx test/fuzz/run.ts [--seconds N] [--inputs N] [--seed S] [--targets a,b] [--out report.json]
//
// Each target gets an equal share of the time; --inputs caps each target. The report (JSON) lists, per target, the
// inputs run, the findings (the input's number, the problem, its bytes) and figures (outcomes by error code, the
// owner's memory over time). Exit code 1 when anything was found. A structured mutator, not coverage-guided:
// Jazzer.js (the coverage-guided fuzzer on npm) installs here only as 4.0.0, whose prebuilt binary needs glibc 2.38
// (this machine has 2.36), and its older versions download theirs at install.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Random } from './random.js';
import type { Target, TargetReport } from './target.js';
import { channel } from './targets/channel.js';
import { codec } from './targets/codec.js';
import { frameDecoder } from './targets/frame-decoder.js';
import { handshake } from './targets/handshake.js';
import { owner } from './targets/owner.js';

const TARGETS: Target[] = [frameDecoder, codec, handshake, channel, owner];

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    inputs: { type: 'string', default: String(Number.MAX_SAFE_INTEGER) },
    seed: { type: 'string', default: String(Date.now() % 1_000_000) },
    targets: { type: 'string', default: TARGETS.map((t) => t.name).join(',') },
    out: { type: 'string' },
  },
});

const chosen = values.targets!.split(',').map((name) => {
  const target = TARGETS.find((t) => t.name === name);
  if (!target) throw new Error(`unknown target ${name}; targets: ${TARGETS.map((t) => t.name).join(', ')}`);
  return target;
});
const seed = Number(values.seed);
const share = (Number(values.seconds) * 1000) / chosen.length;
const maxInputs = Number(values.inputs);

// Anything thrown out of an event handler is a finding too (a Channel must never throw out of its socket's events).
const uncaught: string[] = [];
process.on('uncaughtException', (error) => uncaught.push(`uncaught: ${error?.stack ?? String(error)}`.slice(0, 2000)));
process.on('unhandledRejection', (error) => uncaught.push(`unhandled rejection: ${(error as Error)?.stack ?? String(error)}`.slice(0, 2000)));

const reports: TargetReport[] = [];
const started = Date.now();
for (const [i, target] of chosen.entries()) {
  const from = Date.now();
  const report = await target.run(new Random(seed + i), { until: from + share, maxInputs });
  const seconds = (Date.now() - from) / 1000;
  reports.push({ ...report, figures: { ...report.figures, seconds: Math.round(seconds), inputsPerSecond: Math.round(report.inputs / seconds) } });
  console.log(`${target.name}: ${report.inputs} inputs in ${seconds.toFixed(1)} s, ${report.findings.length} findings ${JSON.stringify(report.figures)}`);
  for (const finding of report.findings.slice(0, 5)) console.log(`  finding at input ${finding.input}: ${finding.problem}`);
}
const summary = {
  seed,
  seconds: Math.round((Date.now() - started) / 1000),
  inputs: reports.reduce((n, r) => n + r.inputs, 0),
  findings: reports.reduce((n, r) => n + r.findings.length, 0) + uncaught.length,
  uncaught,
  fuzzerRssMB: Math.round(process.memoryUsage.rss() / 1e6),
  reports,
};
console.log(`total: ${summary.inputs} inputs in ${summary.seconds} s, ${summary.findings} findings (seed ${seed})`);
for (const line of uncaught.slice(0, 5)) console.log(line);
if (values.out) writeFileSync(values.out, JSON.stringify(summary, null, 1));
process.exit(summary.findings > 0 ? 1 : 0);
