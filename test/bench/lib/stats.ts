/**
 * Benchmark helpers: run contestants interleaved (A B C A B C …) so that drift
 * on a shared machine hits all of them alike, summarize samples as median and
 * min–max, and format the results as markdown tables with a ratio column.
 */
import { goalLine, type Goal } from './goals.js';

/** What run.ts passes to each benchmark's `run()`. */
export interface BenchOptions {
  /** Few repetitions and small sizes: a smoke run for CI. */
  quick: boolean;
  /** Progress output (stderr). */
  log: (line: string) => void;
}

/** One contestant: each call is one repetition and returns one value per metric it measures. */
export interface Contestant {
  name: string;
  run: () => Promise<Record<string, number>> | Record<string, number>;
}

/** Samples per contestant, per metric: `samples[contestant][metric]`. */
export type Samples = Record<string, Record<string, number[]>>;

export interface InterleaveOptions {
  /** Rounds run first and thrown away. */
  warmup: number;
  /** Rounds kept. */
  reps: number;
  /** Called after each kept round (progress output). */
  onRound?: (round: number) => void;
  /**
   * Round r starts at contestant r (mod their number): each follows every other in turn. For contestants of very
   * different sizes, where the one that follows a large one pays for the garbage it left.
   */
  rotate?: boolean;
}

/** Runs every contestant once per round, in the same order (or rotated), `warmup + reps` rounds. */
export async function interleave(contestants: Contestant[], options: InterleaveOptions): Promise<Samples> {
  const samples: Samples = {};
  for (const c of contestants) samples[c.name] = {};
  for (let round = 0; round < options.warmup + options.reps; round++) {
    for (let i = 0; i < contestants.length; i++) {
      const c = contestants[(i + (options.rotate ? round : 0)) % contestants.length]!;
      const result = await c.run();
      if (round < options.warmup) continue;
      for (const [metric, value] of Object.entries(result)) (samples[c.name]![metric] ??= []).push(value);
    }
    if (round >= options.warmup) options.onRound?.(round - options.warmup + 1);
  }
  return samples;
}

export interface Summary {
  median: number;
  min: number;
  max: number;
  n: number;
}

export function summarize(values: number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return { median: NaN, min: NaN, max: NaN, n };
  const median = n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
  return { median, min: sorted[0]!, max: sorted[n - 1]!, n };
}

/** One line of a result table. */
export interface Row extends Summary {
  name: string;
  /** median / the reference row's median (undefined when the scenario has no reference). */
  ratio?: number | undefined;
  samples?: number[] | undefined;
  note?: string | undefined;
  /** A multiproc row (highlighted in charts; the rows a goal judges unless it names them). */
  ours?: boolean | undefined;
}

/** One table: a measure, its unit, and the rows compared. */
export interface Scenario {
  id: string;
  title: string;
  unit: string;
  /** Whether a smaller or a larger value is better (for the reader; ratios are always row / reference). */
  better: 'lower' | 'higher';
  /** Name of the row every ratio is taken against. */
  reference?: string | undefined;
  rows: Row[];
  /** The goal an issue set for this scenario, as data (see goals.ts). */
  goal?: Goal | undefined;
  notes?: string[] | undefined;
}

/** Builds a row from samples. */
export function row(name: string, values: number[], extra: Partial<Row> = {}): Row {
  return { name, ...summarize(values), samples: values, ...extra };
}

/** Fills in every row's ratio to the reference row. */
export function withRatios(scenario: Scenario): Scenario {
  const ref = scenario.rows.find((r) => r.name === scenario.reference);
  for (const r of scenario.rows) r.ratio = ref ? r.median / ref.median : undefined;
  return scenario;
}

/** Rounds to 3 significant digits, with thousands separators for large values. */
export function fmt(value: number): string {
  if (!Number.isFinite(value)) return '–';
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  return Number(value.toPrecision(3)).toString();
}

/** A ratio for people: 2 decimals, or 2 significant digits below 0.01 (0.0033×). */
export function fmtRatio(ratio: number): string {
  return `${Math.abs(ratio) >= 0.01 || ratio === 0 ? ratio.toFixed(2) : ratio.toPrecision(2)}×`;
}

/** The scenario as a markdown table (plus its goal and notes), under an anchor named by its id. */
export function markdownTable(s: Scenario): string {
  const lines = [
    `<a name="${s.id}"></a>`,
    '',
    `### ${s.title}`,
    '',
    `Unit: ${s.unit} (${s.better} is better).${s.reference ? ` Ratio: row median / median of “${s.reference}”.` : ''}`,
    '',
    '| | median | min–max | ratio | n |',
    '|---|---:|---:|---:|---:|',
  ];
  for (const r of s.rows) {
    const name = r.name === s.reference ? `**${r.name}** (reference)` : r.name;
    const ratio = r.ratio === undefined ? '–' : fmtRatio(r.ratio);
    lines.push(`| ${name}${r.note ? ` — ${r.note}` : ''} | ${fmt(r.median)} | ${fmt(r.min)}–${fmt(r.max)} | ${ratio} | ${r.n} |`);
  }
  const goal = goalLine(s);
  if (goal) lines.push('', goal);
  for (const note of s.notes ?? []) lines.push('', note);
  return lines.join('\n');
}
