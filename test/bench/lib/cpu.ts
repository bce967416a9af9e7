/**
 * CPU time of a process tree, from Linux's /proc: every thread's time on a CPU
 * (/proc/<pid>/task/<tid>/schedstat, in ns, unlike /proc/<pid>/stat's 10 ms
 * ticks) of this process and every process descended from it. A benchmark takes
 * it before and after a sample to tell what a contestant cost in CPU, all its
 * processes (or threads) included. Elsewhere it answers undefined.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { descendants } from './rss.js';

/** One process's CPU time, all threads, in ns (0 if it ended while we looked). */
function processCpuNs(pid: number): number {
  let total = 0;
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        total += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      } catch {
        // The thread ended while we looked.
      }
    }
  } catch {
    // The process ended while we looked.
  }
  return total;
}

/**
 * A reader of the CPU time, in µs, of this process and the processes below it now (found once, here, so
 * that the scan of /proc is not part of what is measured); undefined where /proc has no schedstat.
 */
export function cpuMeter(): () => number | undefined {
  const pids = [process.pid, ...descendants(process.pid)];
  return () => {
    let total = 0;
    for (const pid of pids) total += processCpuNs(pid);
    return total === 0 ? undefined : total / 1000;
  };
}
