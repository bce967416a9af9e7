/** What the benchmarks ran on: CPU, cores, memory, load, Node and Python versions, commit. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  loadAverage: number[];
  node: string;
  python: string;
  platform: string;
  commit: string;
  date: string;
}

function run(command: string, args: string[]): string | undefined {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch {
    return undefined;
  }
}

function cpuModel(): string {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match) return match[1]!.trim();
  } catch {
    // Not Linux.
  }
  return cpus()[0]?.model ?? 'unknown';
}

export function machine(): Machine {
  // Changes to the benchmarks themselves do not count: only to the code they measure.
  const changed = run('git', ['status', '--porcelain', '--untracked-files=no', '--', '.', ':!test/bench', ':!docs']);
  const dirty = changed ? ' (with uncommitted changes)' : '';
  return {
    cpu: cpuModel(),
    cores: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
    node: process.version,
    python: (run('python3', ['--version']) ?? 'python3 not found').replace(/^Python /, ''),
    platform: `${process.platform} ${process.arch}`,
    commit: `${run('git', ['rev-parse', '--short', 'HEAD']) ?? 'unknown'}${dirty}`,
    date: new Date().toISOString(),
  };
}
