// Counts the processes below a pid (from `ps`), for tests that bound how many a program starts.
import { execFileSync } from 'node:child_process';

/** The pids of every descendant of `root` alive now. */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const line of execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' }).split('\n')) {
    const [pid, ppid] = line.trim().split(/\s+/).map(Number);
    if (!pid || ppid === undefined) continue;
    children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  const out: number[] = [];
  for (let i = -1, at = root; i < out.length; at = out[++i]!) out.push(...(children.get(at) ?? []));
  return out;
}
