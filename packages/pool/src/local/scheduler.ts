/**
 * The local engine's scheduler: which worker gets how many of the tasks at the head of the queue. A pure function
 * of the queue, the workers' loads and the run-time estimates; the engine takes the tasks out and sends them.
 *
 * The policy, in short (docs/design-notes.md has the measurements behind it):
 * - a worker gets a fair share of all the work outstanding (queued, and held by workers), capped at about 2 ms of
 *   work by recent run times: long tasks go one at a time, tiny ones in batches of up to 1 024; one at a time
 *   while the head task's function has not run yet (see {@link RunEstimates.batchCap});
 * - a busy worker is refilled only once it is down to {@link REFILL_AT} of its share;
 * - tiny tasks on more workers than cores go to the first open workers, one per core (the same ones each time);
 *   a worker busy with a task that is not tiny does not count as one of them;
 * - an eager dispatch (inside the caller's `apply()`) sends no task with a timeout or abort signal.
 *
 * @module
 */
import type { RunEstimates } from './run-estimates.js';
import { isSettled, isWatched, type Task } from './task.js';

/**
 * A busy worker is refilled once it holds no more than this share of its batch size: it still has that much work to
 * do while its results travel to the pool (written 1 ms apart) and the refill comes back. At 1/2, a worker of tiny
 * tasks ran out between refills (idle 100–700 µs at a time, through the parent's GC pauses); at 3/4 a burst of 20 000
 * no-op tasks ran 6–8% faster on 1 worker and 1–2% on 2 (two interleaved A/Bs of 20 and 30 pairs).
 */
export const REFILL_AT = 0.75;

/** What the scheduler reads of a worker (a `WorkerSlot`; plain objects in tests). */
export interface WorkerLoad {
  /** Tasks sent to it and not reported, the running one first (settled ones among them). */
  readonly inflight: readonly Task[];
  /** Tasks ever sent to it. */
  readonly assigned: number;
  /** It takes tasks: ready, and not retiring, killed or exited. */
  readonly open: boolean;
  /** The task it runs now (its oldest unsettled one), if any. */
  readonly running: Task | undefined;
}

/** The queue as the scheduler reads it. */
export interface QueueView {
  readonly length: number;
  /** The `i`th task from the head. */
  at(i: number): Task | undefined;
}

/** What does not change from one dispatch to the next. */
export interface SchedulerPolicy {
  /** This machine's cores. */
  readonly cores: number;
  /** A worker takes at most this many tasks in its life (0: no limit). */
  readonly maxTasksPerChild: number;
  readonly estimates: Pick<RunEstimates, 'isTiny' | 'batchCap'>;
}

/** `take` tasks from the head of the queue go to `worker` (settled ones among them are dropped, not sent). */
export interface Assignment<W> {
  worker: W;
  take: number;
}

/** A dispatch's plan: assignments in order (each takes from the head left by the ones before). */
export interface Plan<W> {
  assignments: Array<Assignment<W>>;
  /** Tasks are left that no open worker took now but another dispatch may share out (schedule one). */
  again: boolean;
}

/**
 * The plan for one dispatch, or undefined when nothing is to be sent (an empty queue, or no open worker low enough).
 * `workers`: every live worker, starting ones too (the share counts them: the first worker up must not take the whole
 * queue). `eager`: the dispatch runs inside the caller's `apply()` (no watched task is sent).
 */
export function schedule<W extends WorkerLoad>(queue: QueueView, workers: ReadonlySet<W>, policy: SchedulerPolicy, eager: boolean): Plan<W> | undefined {
  const queued = queue.length;
  if (queued === 0) return undefined;
  const { cores, estimates } = policy;
  const headFn = queue.at(0)!.fnId;
  // Tiny tasks, more workers than cores: spread over every worker they only add wake-ups and context switches (the
  // cores are busy anyway), so only as many workers as there are cores hold work at once. Judged by the head task.
  const concentrate = workers.size > cores && estimates.isTiny(headFn);
  // A fair share of all the work outstanding, queued and held: judged by the queue alone, a queue fed a task at a time
  // (imap's look-ahead) gave shares of 1, so a worker was refilled only once empty and idled through every round trip.
  let held = 0;
  for (const w of workers) held += w.inflight.length;
  const share = Math.min(estimates.batchCap(headFn), Math.max(1, Math.ceil((queued + held) / (concentrate ? cores : workers.size))));
  const lowMark = share * REFILL_AT;
  const feeding = concentrate ? cores : Infinity;
  // This runs after every result message, and most of the time no worker is low: then nothing is built or sorted.
  let anyLow = false;
  let seen = 0;
  for (const w of workers) {
    if (!isOpen(w, concentrate, estimates)) continue;
    if (seen++ >= feeding) break;
    if (w.inflight.length === 0 || w.inflight.length <= lowMark) {
      anyLow = true;
      break;
    }
  }
  if (!anyLow) return undefined;
  // Concentrated: the first open workers, one per core, always the same (they stay warm).
  const open: W[] = [];
  for (const w of workers) {
    if (open.length >= feeding) break;
    if (isOpen(w, concentrate, estimates)) open.push(w);
  }
  open.sort((a, b) => a.inflight.length - b.inflight.length);
  const limit = policy.maxTasksPerChild;
  const assignments: Array<Assignment<W>> = [];
  let again = false;
  let next = 0;
  for (const worker of open) {
    const has = worker.inflight.length;
    if (has > 0 && has > lowMark) continue;
    let room = share - has;
    if (limit > 0) room = Math.min(room, limit - worker.assigned);
    const from = next;
    while (room > 0 && next < queued) {
      const task = queue.at(next)!;
      // A concentrated batch holds tiny tasks only: a longer one waits for the next dispatch, which shares it over every worker.
      if (concentrate && !estimates.isTiny(task.fnId)) {
        again = true;
        break;
      }
      // Eager: its timer would start, or an abort kill its worker, while the caller's code still runs.
      if (eager && isWatched(task)) break;
      next++;
      if (!isSettled(task)) room--;
    }
    if (next > from) assignments.push({ worker, take: next - from });
    if (next >= queued) break;
  }
  return { assignments, again };
}

/** It takes tasks now; concentrated, not while busy with a task that is not tiny (it is not one of the cores' workers then). */
function isOpen(w: WorkerLoad, concentrate: boolean, estimates: SchedulerPolicy['estimates']): boolean {
  if (!w.open) return false;
  if (!concentrate) return true;
  const running = w.running;
  return running === undefined || estimates.isTiny(running.fnId);
}
