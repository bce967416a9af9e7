/**
 * A chart of a group of scenarios as one SVG: a panel per scenario, a horizontal
 * bar per row at its median with a min–max whisker, multiproc's rows
 * highlighted, each bar labelled with its median and its ratio to the reference,
 * the goal (if any) as a dashed line, and a log scale when a panel's values
 * span more than 20×. Plain SVG: no script, no external font, no dependency.
 */
import { metText, targetValue, verdict, type SummaryLine } from './goals.js';
import { fmt, fmtRatio, type Row, type Scenario } from './stats.js';
import { el, fit, svgDocument, text, textWidth, wrap } from './svg.js';

const WIDTH = 860;
const MARGIN = 16;
/** Right of the plot: room for "1,234,567 · 12.34×". */
const VALUE_ROOM = 150;
const ROW_HEIGHT = 34;
/** A white outline under text, so that a grid or goal line behind it does not cross the letters. */
const HALO = { stroke: '#ffffff', 'stroke-width': 3, 'stroke-linejoin': 'round', 'paint-order': 'stroke' };
const COLORS = {
  ours: '#e8590c',
  oursText: '#b33d00',
  reference: '#52606d',
  other: '#a7b1bc',
  whisker: '#1f2933',
  grid: '#e4e7eb',
  axis: '#616e7c',
  text: '#1f2933',
  muted: '#616e7c',
  met: '#2b8a3e',
  notMet: '#c92a2a',
  goal: '#2b8a3e',
};

/** Maps values to x; linear from 0, or logarithmic over whole decades. */
export interface Scale {
  log: boolean;
  lo: number;
  hi: number;
  x: (value: number) => number;
  ticks: number[];
}

function niceStep(raw: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / magnitude;
  return (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10) * magnitude;
}

/** A scale over `values` (medians, mins, maxes, goal targets) for pixels x0 … x1; logarithmic when they span more than 20× (or when told). */
export function scaleFor(values: number[], x0: number, x1: number, log?: boolean): Scale {
  const positive = values.filter((v) => Number.isFinite(v) && v > 0);
  const hiValue = positive.length ? Math.max(...positive) : 1;
  const loValue = positive.length ? Math.min(...positive) : 1;
  if (log ?? hiValue / loValue > 20) {
    const lo = 10 ** Math.floor(Math.log10(loValue));
    const hi = 10 ** Math.ceil(Math.log10(hiValue));
    const decades = Math.round(Math.log10(hi / lo));
    const ticks: number[] = [];
    for (let d = 0; d <= decades; d++) {
      const base = lo * 10 ** d;
      ticks.push(base);
      if (decades <= 2 && d < decades) ticks.push(base * 2, base * 5);
    }
    const x = (v: number) => x0 + ((Math.log10(Math.max(v, lo)) - Math.log10(lo)) / Math.log10(hi / lo)) * (x1 - x0);
    return { log: true, lo, hi, x, ticks };
  }
  const step = niceStep(hiValue / 5);
  const hi = Math.ceil(hiValue / step) * step;
  const ticks = Array.from({ length: Math.round(hi / step) + 1 }, (_, i) => i * step);
  return { log: false, lo: 0, hi, x: (v: number) => x0 + (Math.max(0, v) / hi) * (x1 - x0), ticks };
}

/** 1.5k, 20M, 0.25: short numbers for axis ticks. */
export function compact(value: number): string {
  const trim = (n: number) => Number(n.toPrecision(3)).toString();
  if (value >= 1e9) return `${trim(value / 1e9)}G`;
  if (value >= 1e6) return `${trim(value / 1e6)}M`;
  if (value >= 1e3) return `${trim(value / 1e3)}k`;
  return trim(value);
}

/** Markdown code marks out of a name. */
const plain = (s: string) => s.replace(/`/g, '');

/** One panel (a scenario) at vertical position `top`; returns its elements and its height. */
function panel(scenario: Scenario, top: number): { body: string[]; height: number } {
  const body: string[] = [];
  let y = top;
  for (const line of wrap(plain(scenario.title), 14, WIDTH - 2 * MARGIN)) {
    y += 18;
    body.push(text(MARGIN, y, line, { 'font-size': 14, 'font-weight': 'bold', fill: COLORS.text }));
  }
  const finite = scenario.rows.filter((r) => Number.isFinite(r.median));
  const n = finite.length ? Math.max(...finite.map((r) => r.n)) : 0;
  const values = finite.flatMap((r) => [r.median, r.min, r.max]);
  const goal = scenario.goal;
  const targets = goal ? [goal, ...(goal.stretch ? [goal.stretch] : [])].map((b) => ({ bound: b, value: targetValue(scenario, b) })) : [];
  for (const t of targets) if (t.value !== undefined) values.push(t.value);
  const x0 = MARGIN;
  const x1 = WIDTH - MARGIN - VALUE_ROOM;
  const scale = scaleFor(values, x0, x1);
  y += 16;
  const meta = `${plain(scenario.unit)}, ${scenario.better} is better · bar: median of ${n}, whisker: min–max${scale.log ? ' · log scale' : ''}`;
  body.push(text(MARGIN, y, meta, { 'font-size': 11, fill: COLORS.muted }));
  if (goal) {
    for (const [i, bound] of [goal, ...(goal.stretch ? [goal.stretch] : [])].entries()) {
      const v = verdict(scenario, bound);
      y += 15;
      const label = `${i === 0 ? `Goal (#${goal.issue})` : 'Stretch'}: ${plain(bound.text)} — measured ${v.shown}: ${metText(v)}`;
      body.push(text(MARGIN, y, fit(label, 11, WIDTH - 2 * MARGIN), { 'font-size': 11, 'font-weight': 'bold', fill: v.met ? COLORS.met : v.met === false ? COLORS.notMet : COLORS.muted }));
    }
  }
  y += 8;
  if (finite.length === 0) {
    y += 16;
    body.push(text(MARGIN, y, 'no rows were measured', { 'font-size': 12, fill: COLORS.muted }));
    return { body, height: y - top + 12 };
  }
  const rowsTop = y;
  const rowsBottom = y + scenario.rows.length * ROW_HEIGHT;
  // Grid first, so bars draw over it.
  for (const tick of scale.ticks) {
    const x = scale.x(tick);
    body.push(el('line', { x1: x, y1: rowsTop, x2: x, y2: rowsBottom, stroke: COLORS.grid, 'stroke-width': 1 }));
    body.push(text(x, rowsBottom + 13, compact(tick), { 'font-size': 10, fill: COLORS.axis, 'text-anchor': 'middle' }));
  }
  // Goal lines under the bars, labelled under the axis.
  const marked = targets.filter((t) => t.value !== undefined);
  for (const [i, t] of marked.entries()) {
    const x = scale.x(t.value!);
    body.push(el('line', { x1: x, y1: rowsTop, x2: x, y2: rowsBottom + 16, stroke: COLORS.goal, 'stroke-width': 1.5, 'stroke-dasharray': '5 3' }));
    body.push(text(x, rowsBottom + 26 + i * 11, i === 0 ? 'goal' : 'stretch', { 'font-size': 10, fill: COLORS.goal, 'text-anchor': 'middle', ...HALO }));
  }
  for (const row of scenario.rows) {
    body.push(...bar(scenario, row, scale, y));
    y += ROW_HEIGHT;
  }
  return { body, height: rowsBottom + 13 + marked.length * 11 - top + 12 };
}

/** A row's label, bar, whisker and value label, in a band of ROW_HEIGHT from `y`. */
function bar(scenario: Scenario, row: Row, scale: Scale, y: number): string[] {
  const isReference = row.name === scenario.reference;
  const fill = row.ours ? COLORS.ours : isReference ? COLORS.reference : COLORS.other;
  const labelStyle = row.ours ? { fill: COLORS.oursText, 'font-weight': 'bold' } : { fill: COLORS.text, ...(isReference ? { 'font-weight': 'bold' } : {}) };
  const out = [text(MARGIN, y + 12, fit(plain(row.name), 12, WIDTH - 2 * MARGIN), { 'font-size': 12, ...labelStyle, ...HALO })];
  if (!Number.isFinite(row.median)) return [...out, text(MARGIN, y + 27, '–', { 'font-size': 11, fill: COLORS.muted })];
  const x0 = scale.x(scale.lo);
  const xm = scale.x(row.median);
  const mid = y + 22;
  out.push(el('rect', { x: x0, y: y + 16, width: Math.max(1, xm - x0), height: 12, fill, rx: 1.5 }));
  const [xmin, xmax] = [scale.x(row.min), scale.x(row.max)];
  if (xmax - xmin >= 1) {
    out.push(el('line', { x1: xmin, y1: mid, x2: xmax, y2: mid, stroke: COLORS.whisker, 'stroke-width': 1.2 }));
    for (const x of [xmin, xmax]) out.push(el('line', { x1: x, y1: mid - 4, x2: x, y2: mid + 4, stroke: COLORS.whisker, 'stroke-width': 1.2 }));
  }
  const ratio = isReference ? 'reference' : row.ratio === undefined ? '' : fmtRatio(row.ratio);
  const label = ratio ? `${fmt(row.median)} · ${ratio}` : fmt(row.median);
  const x = Math.max(xm, xmax) + 6;
  out.push(text(Math.min(x, WIDTH - MARGIN - textWidth(label, 11)), mid + 4, label, { 'font-size': 11, fill: COLORS.text, ...(row.ours ? { 'font-weight': 'bold' } : {}), ...HALO }));
  return out;
}

/** The legend: swatches for ours, the reference and the others, the whisker, the goal line. */
function legend(y: number): string[] {
  const items: Array<[string, (x: number) => string]> = [
    ['multiproc', (x) => el('rect', { x, y: y - 9, width: 14, height: 10, fill: COLORS.ours, rx: 1.5 })],
    ['reference row (ratio 1.00×)', (x) => el('rect', { x, y: y - 9, width: 14, height: 10, fill: COLORS.reference, rx: 1.5 })],
    ['others', (x) => el('rect', { x, y: y - 9, width: 14, height: 10, fill: COLORS.other, rx: 1.5 })],
    ['min–max', (x) => el('line', { x1: x, y1: y - 4, x2: x + 14, y2: y - 4, stroke: COLORS.whisker, 'stroke-width': 1.2 })],
    ['goal', (x) => el('line', { x1: x + 7, y1: y - 10, x2: x + 7, y2: y + 2, stroke: COLORS.goal, 'stroke-width': 1.5, 'stroke-dasharray': '5 3' })],
  ];
  const out: string[] = [];
  let x = MARGIN;
  for (const [label, swatch] of items) {
    out.push(swatch(x), text(x + 18, y, label, { 'font-size': 11, fill: COLORS.text }));
    x += 18 + textWidth(label, 11) + 16;
  }
  return out;
}

/** The SVG of a group of scenarios: a heading, a subtitle (run, machine), a legend, then a panel per scenario. */
export function chartSvg(title: string, subtitle: string, scenarios: Scenario[]): string {
  const body: string[] = [];
  let y = 26;
  body.push(text(MARGIN, y, title, { 'font-size': 18, 'font-weight': 'bold', fill: COLORS.text }));
  for (const line of wrap(subtitle, 11, WIDTH - 2 * MARGIN)) {
    y += 15;
    body.push(text(MARGIN, y, line, { 'font-size': 11, fill: COLORS.muted }));
  }
  y += 20;
  body.push(...legend(y));
  y += 10;
  for (const scenario of scenarios) {
    body.push(el('line', { x1: MARGIN, y1: y + 8, x2: WIDTH - MARGIN, y2: y + 8, stroke: COLORS.grid, 'stroke-width': 1 }));
    const p = panel(scenario, y + 10);
    body.push(...p.body);
    y += 10 + p.height + 8;
  }
  return svgDocument(WIDTH, y + 8, title, body);
}

/** "≥ 5×", "≤ 1 µs": a bound's target, short. */
function targetText(line: SummaryLine): string {
  const { bound, scenario } = line;
  return `${bound.op === '>=' ? '≥' : '≤'} ${bound.target}${bound.measure === 'value' ? ` ${scenario.unit.split(' ')[0]}` : '×'}`;
}

/**
 * Every goal at a glance: per goal, the measurement divided by its target, turned
 * so that ≥ 1 means met (for an upper bound, target ÷ measurement), on a log
 * scale with the goal at 1; green when met, red when not.
 */
export function goalsSvg(subtitle: string, lines: SummaryLine[]): string {
  const body: string[] = [];
  let y = 26;
  body.push(text(MARGIN, y, 'Goals at a glance', { 'font-size': 18, 'font-weight': 'bold', fill: COLORS.text }));
  for (const line of wrap(`${subtitle} · bar: how far each goal is met, measured ÷ target (for an upper bound, target ÷ measured); right of the line is met`, 11, WIDTH - 2 * MARGIN)) {
    y += 15;
    body.push(text(MARGIN, y, line, { 'font-size': 11, fill: COLORS.muted }));
  }
  y += 12;
  const score = (l: SummaryLine) => (l.verdict.value === undefined ? undefined : l.bound.op === '>=' ? l.verdict.value / l.bound.target : l.bound.target / l.verdict.value);
  const scores = lines.map(score);
  const scale = scaleFor([1, ...scores.filter((v): v is number => v !== undefined)], MARGIN, WIDTH - MARGIN - VALUE_ROOM - 40, true);
  const rowsTop = y;
  const rowsBottom = y + lines.length * ROW_HEIGHT;
  for (const tick of scale.ticks) {
    const x = scale.x(tick);
    body.push(el('line', { x1: x, y1: rowsTop, x2: x, y2: rowsBottom, stroke: COLORS.grid, 'stroke-width': 1 }));
    body.push(text(x, rowsBottom + 13, compact(tick), { 'font-size': 10, fill: COLORS.axis, 'text-anchor': 'middle' }));
  }
  const goalX = scale.x(1);
  body.push(el('line', { x1: goalX, y1: rowsTop, x2: goalX, y2: rowsBottom + 16, stroke: COLORS.goal, 'stroke-width': 1.5, 'stroke-dasharray': '5 3' }));
  body.push(text(goalX, rowsBottom + 26, 'goal', { 'font-size': 10, fill: COLORS.goal, 'text-anchor': 'middle', ...HALO }));
  for (const [i, line] of lines.entries()) {
    const v = scores[i];
    const color = line.verdict.met ? COLORS.met : line.verdict.met === false ? COLORS.notMet : COLORS.muted;
    body.push(text(MARGIN, y + 12, fit(`${line.name} (#${line.issue})`, 12, WIDTH - 2 * MARGIN), { 'font-size': 12, fill: COLORS.text, ...HALO }));
    const label = `${line.verdict.shown} · goal ${targetText(line)} · ${metText(line.verdict)}`;
    if (v === undefined) body.push(text(MARGIN, y + 27, label, { 'font-size': 11, fill: COLORS.muted }));
    else {
      const x0 = scale.x(scale.lo);
      const xv = scale.x(v);
      body.push(el('rect', { x: x0, y: y + 16, width: Math.max(1, xv - x0), height: 12, fill: color, rx: 1.5 }));
      body.push(text(xv + 6, y + 26, label, { 'font-size': 11, fill: color, 'font-weight': 'bold', ...HALO }));
    }
    y += ROW_HEIGHT;
  }
  return svgDocument(WIDTH, rowsBottom + 36, 'Goals at a glance', body);
}
