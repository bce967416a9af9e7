/**
 * Timing children. Times that cross a process boundary use the wall clock with
 * sub-millisecond precision, `performance.timeOrigin + performance.now()`,
 * which every Node process (and Python's time.time()) reads alike.
 */
import { fork, spawn, type ChildProcess, type ForkOptions, type SpawnOptions } from 'node:child_process';

/** Wall-clock milliseconds with sub-ms precision, comparable across processes. */
export const wallNow = (): number => performance.timeOrigin + performance.now();

/** What a timed child did, in ms after it was started. */
export interface ChildTimes {
  /** When the parent saw the first stdout byte (if stdout was piped and something came). */
  firstByte: number | undefined;
  /** When the parent saw the 'exit' event. */
  exit: number;
  /** The child's own timestamp (wallNow() written to stdout), in ms after it was started; NaN if none. */
  reported: number;
}

/** Starts a child with `start()` and times it until it exits; stdout, if piped, may carry a wallNow() timestamp. */
export function timeChild(start: () => ChildProcess): Promise<ChildTimes> {
  return new Promise((resolve, reject) => {
    const t0 = wallNow();
    const child = start();
    let firstByte: number | undefined;
    let exit = NaN;
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      firstByte ??= wallNow() - t0;
      stdout += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', () => (exit = wallNow() - t0));
    // 'close' comes after 'exit' once stdout is drained, so the whole timestamp has arrived.
    child.on('close', (code, signal) => {
      if (code !== 0) reject(new Error(`child ${child.spawnfile} exited with ${code ?? signal}`));
      else resolve({ firstByte, exit, reported: stdout ? Number(stdout) - t0 : NaN });
    });
  });
}

/** `timeChild` of `spawn(command, args)`, stdout piped. */
export function spawnTimed(command: string, args: string[], options: SpawnOptions = {}): Promise<ChildTimes> {
  return timeChild(() => spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'], ...options }));
}

/** `timeChild` of `fork(module, args)` with the stdio layout of a Process child (IPC on 3, a pipe on 4), stdout piped. */
export function forkTimed(module: string, args: string[], options: ForkOptions = {}): Promise<ChildTimes> {
  return timeChild(() => fork(module, args, { stdio: ['ignore', 'pipe', 'inherit', 'ipc', 'pipe'], execArgv: [], ...options }));
}
