// Shared helpers for @multiproc/process tests: run a fixture program for real,
// watch pids, make temporary files.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
export const fixtureUrl = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).href;

export interface ProgramResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  lines: string[];
}

/** Runs a fixture program with plain `node` (no tsx) and collects its output. A hang fails after `timeoutMs`. */
export function runProgram(
  name: string,
  args: string[] = [],
  options: {
    timeoutMs?: number;
    onLine?: (line: string, kill: (s: NodeJS.Signals) => void) => void;
    execArgv?: string[];
    env?: NodeJS.ProcessEnv;
  } = {},
): Promise<ProgramResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.execArgv ?? []), fixture(name), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: options.env ?? process.env,
    });
    let stdout = '';
    let stderr = '';
    let pending = '';
    const kill = (s: NodeJS.Signals) => child.kill(s);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        options.onLine?.(line, kill);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not finish within ${options.timeoutMs ?? 30000} ms.\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, options.timeoutMs ?? 30000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, lines: stdout.split('\n').filter(Boolean) });
    });
  });
}

/** True while a process with this pid exists (and is not a zombie of ours). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // A zombie still answers kill(0); its state in /proc says Z.
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** The pids whose parent is `pid` now (from /proc; Linux). */
export function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ')'.
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** Polls until `pid` is gone; returns how long that took, or Infinity after `limitMs`. */
export async function waitGone(pid: number, limitMs: number): Promise<number> {
  const start = performance.now();
  while (performance.now() - start < limitMs) {
    if (!isAlive(pid)) return performance.now() - start;
    await sleep(10);
  }
  return isAlive(pid) ? Infinity : performance.now() - start;
}

/** A temporary directory removed by the returned cleanup. */
export function tempDir(): { dir: string; file: (name: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'multiproc-test-'));
  return { dir, file: (name) => join(dir, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Reads a JSON file a child wrote. */
export const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));
