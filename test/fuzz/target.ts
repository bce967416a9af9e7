// What every fuzz target reports, and how it is told when to stop.
import type { Random } from './random.js';

/** Something a target found: an input that broke a promise. */
export interface Finding {
  target: string;
  /** The input's number in this run (with the run's seed, enough to make it again). */
  input: number;
  /** What went wrong. */
  problem: string;
  /** The input, hex (cut to 4 KiB). */
  bytes?: string;
}

/** What a target did. */
export interface TargetReport {
  target: string;
  inputs: number;
  findings: Finding[];
  /** Target-specific figures (outcomes by error code, memory samples…). */
  figures: Record<string, unknown>;
}

/** When to stop: at `until` (ms since the epoch) or after `maxInputs`, whichever comes first. */
export interface Budget {
  until: number;
  maxInputs: number;
}

/** A fuzz target. */
export interface Target {
  name: string;
  run(random: Random, budget: Budget): Promise<TargetReport>;
}

/** Counts outcomes by name (an error code, 'ok'…). */
export function tally(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/** An error's code, or its name for an uncoded one (marked so). */
export function outcomeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_') ? code : `uncoded ${(error as Error)?.name ?? typeof error}`;
}

export const hex = (bytes: Uint8Array) => Buffer.from(bytes.subarray(0, 4096)).toString('hex');
