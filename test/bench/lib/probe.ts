/**
 * Runs fixtures/start-probe.mjs on one Node binary (process start, idle memory: see that file) and returns its samples.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { NodeBinary } from './node-versions.js';

const PROBE = fileURLToPath(new URL('../fixtures/start-probe.mjs', import.meta.url));

/** The probe's samples on `node`: `samples[metric]`; throws with its stderr if it fails. */
export function runProbe(node: NodeBinary, mode: 'start' | 'memory', reps: number, warmup: number, settleMs = 0): Record<string, number[]> {
  const result = spawnSync(node.path, [PROBE, mode, String(reps), String(warmup), String(settleMs)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 600_000,
  });
  if (result.error || result.status !== 0) throw new Error(`start-probe.mjs on Node ${node.version} failed: ${result.error?.message ?? `exit ${result.status}`}`);
  return (JSON.parse(result.stdout) as { samples: Record<string, number[]> }).samples;
}
