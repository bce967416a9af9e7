/**
 * Runs one of the Python scripts in test/bench/python/ for one sample: it prints
 * `{ python, metrics }` as JSON. When python3 cannot run (or the script fails),
 * the Python rows are skipped with a note instead of failing the benchmark.
 */
import { spawnSync } from 'node:child_process';

/** What the Python rows of a table say about themselves: the version, or why they are missing. */
export interface PythonNotes {
  python?: string;
  skipped?: string;
}

/** One sample of `script` with `args`; {} (and `notes.skipped`) when Python cannot run it. */
export function runPythonScript(script: string, args: Array<string | number>, notes: PythonNotes): Record<string, number> {
  if (notes.skipped) return {};
  const result = spawnSync('python3', [script, ...args.map(String)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (result.error || result.status !== 0) {
    const why = result.error ? `python3 could not be run (${result.error.message})` : `${script} ${args.join(' ')} exited with ${result.status}`;
    notes.skipped = `Python rows skipped: ${why}.`;
    return {};
  }
  const parsed = JSON.parse(result.stdout) as { python: string; metrics: Record<string, number> };
  notes.python = parsed.python;
  return parsed.metrics;
}
