/**
 * Goals as data. A scenario declares at most one {@link Goal} (issues #2, #3, #4, #18
 * set them); {@link verdict} evaluates it against the scenario's rows, and both
 * the goal line under a table and the summary table at the top of the page
 * come from that one evaluation. A goal is plain JSON, so it is stored with the
 * results in docs/benchmarks.json and a page re-rendered from that file
 * (`run.ts --render-only`) judges it the same way.
 */
import type { Row, Scenario } from './stats.js';

/** How a goal reads its number off the scenario's rows. */
export type Measure =
  /** Our row's median ÷ the median of the `versus` row (default: the scenario's reference). */
  | 'ratio'
  /** Our row's median itself, in the scenario's unit. */
  | 'value'
  /** The slowest row's median ÷ the fastest row's (every row): how flat a curve is. */
  | 'spread';

/** One bound on one number: `measure op target`. */
export interface Bound {
  /** What is promised, for people: "≥ 5 × Python's mp.Queue". */
  text: string;
  measure: Measure;
  op: '<=' | '>=';
  target: number;
  /** Rows that count as ours (the best of them is judged); default: every row with `ours: true`. */
  rows?: string[] | undefined;
  /** For `ratio`: the row to divide by; default: the scenario's reference. */
  versus?: string | undefined;
  /**
   * Which of our rows is judged: the best (default: the promise holds for some way of running), or the worst (it must
   * hold for every row, e.g. on every Node version measured).
   */
  of?: 'best' | 'worst' | undefined;
}

/** A scenario's goal: the issue that set it, a short name for the summary, the bound, and optionally a stretch bound. */
export interface Goal extends Bound {
  /** The issue that set the goal (#2 process, #3 primitives, #4 pool, #18 start-up). */
  issue: number;
  /** Short name of the scenario in the summary table. */
  name: string;
  /** A harder bound the issue names as a stretch. */
  stretch?: Bound | undefined;
}

/** A bound evaluated against a scenario. */
export interface Verdict {
  /** The measured number (a ratio for `ratio` and `spread`, a value in the unit for `value`); undefined when a row it needs is missing. */
  value: number | undefined;
  /** undefined when not measured. */
  met: boolean | undefined;
  /** The measured number for people: "2.42×", "0.46 µs", "1.58× slowest ÷ fastest", or "not measured". */
  shown: string;
}

/** The rows a bound judges as ours. */
export function ourRows(scenario: Scenario, bound: Bound): Row[] {
  return scenario.rows.filter((r) => (bound.rows ? bound.rows.includes(r.name) : r.ours));
}

/** Where the bound's target lies in the scenario's unit (for a chart's goal line); undefined for `spread` or a missing row. */
export function targetValue(scenario: Scenario, bound: Bound): number | undefined {
  if (bound.measure === 'value') return bound.target;
  if (bound.measure === 'spread') return undefined;
  const versus = scenario.rows.find((r) => r.name === (bound.versus ?? scenario.reference));
  return versus ? versus.median * bound.target : undefined;
}

/** Evaluates one bound: the best (or, with `of: 'worst'`, the worst) of our rows against the target. */
export function verdict(scenario: Scenario, bound: Bound): Verdict {
  const notMeasured: Verdict = { value: undefined, met: undefined, shown: 'not measured' };
  let value: number | undefined;
  if (bound.measure === 'spread') {
    const medians = scenario.rows.map((r) => r.median).filter(Number.isFinite);
    if (medians.length < 2) return notMeasured;
    value = Math.max(...medians) / Math.min(...medians);
  } else {
    const mine = ourRows(scenario, bound).map((r) => r.median).filter(Number.isFinite);
    if (mine.length === 0) return notMeasured;
    const lowest = bound.of === 'worst' ? scenario.better === 'higher' : scenario.better === 'lower';
    const best = lowest ? Math.min(...mine) : Math.max(...mine);
    if (bound.measure === 'value') value = best;
    else {
      const versus = scenario.rows.find((r) => r.name === (bound.versus ?? scenario.reference));
      if (!versus) return notMeasured;
      value = best / versus.median;
    }
  }
  const met = bound.op === '<=' ? value <= bound.target : value >= bound.target;
  const shown =
    bound.measure === 'value'
      ? `${Number(value.toPrecision(3))} ${scenario.unit.split(' ')[0]}`
      : `${value.toFixed(2)}×${bound.measure === 'spread' ? ' slowest ÷ fastest' : ''}`;
  return { value, met, shown };
}

/** "met", "not met" or "not measured". */
export const metText = (v: Verdict): string => (v.met === undefined ? 'not measured' : v.met ? 'met' : 'not met');

/** The goal line under a table, from the same verdicts as the summary. */
export function goalLine(scenario: Scenario): string | undefined {
  const goal = scenario.goal;
  if (!goal) return undefined;
  const main = verdict(scenario, goal);
  let line = `Goal (#${goal.issue}): ${goal.text} — measured ${main.shown}: **${metText(main)}**.`;
  if (goal.stretch) {
    const stretch = verdict(scenario, goal.stretch);
    line += ` Stretch: ${goal.stretch.text} — measured ${stretch.shown}: **${metText(stretch)}**.`;
  }
  return line;
}

/** One line of the summary: a bound of a scenario's goal. */
export interface SummaryLine {
  scenario: Scenario;
  name: string;
  issue: number;
  bound: Bound;
  verdict: Verdict;
}

/** Every goal (and stretch) of the given scenarios, in page order. */
export function summaryLines(scenarios: Scenario[]): SummaryLine[] {
  return scenarios.flatMap((scenario) => {
    const goal = scenario.goal;
    if (!goal) return [];
    const lines: SummaryLine[] = [{ scenario, name: goal.name, issue: goal.issue, bound: goal, verdict: verdict(scenario, goal) }];
    if (goal.stretch) lines.push({ scenario, name: `${goal.name} (stretch)`, issue: goal.issue, bound: goal.stretch, verdict: verdict(scenario, goal.stretch) });
    return lines;
  });
}
