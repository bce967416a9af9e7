/**
 * Memory of processes, from Linux's /proc: a process's resident set (VmRSS),
 * its peak (VmHWM), and the processes descended from one. Elsewhere these
 * answer undefined / nothing, and memory.bench.ts leaves its rows out.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** One field of /proc/<pid>/status in MiB (the kernel gives kB); undefined if there is no such process or field. */
function statusMiB(pid: number | 'self', field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** The resident set of a process now, in MiB. */
export const rssMiB = (pid: number): number | undefined => statusMiB(pid, 'VmRSS');

/** Whether this machine has /proc/<pid>/status to read memory from. */
export const canMeasureMemory = (): boolean => statusMiB('self', 'VmRSS') !== undefined;

/** Every process descended from `pid` (children, grandchildren, …), from each process's parent pid in /proc/<pid>/stat. */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // The process ended while we looked.
    }
  }
  const found: number[] = [];
  const queue = [pid];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const child of children.get(next) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}
