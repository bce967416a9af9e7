/**
 * Crash accounting: what a worker's exit means for the tasks it held and for the pool. Pure: the engine reads
 * everything the worker left first (the rest of its pipe, its journal), settles those tasks, and asks this module
 * about the rest; it then does what the answer says.
 *
 * A worker runs its tasks one at a time in the order sent, so the oldest task it held and did not answer is the one
 * that was running when it died: only that one pays (it fails with `WorkerCrashedError`, or runs again if it has
 * retries left); the tasks behind it never started and go back to the head of the queue.
 *
 * @module
 */
import { WorkerState } from './worker-slot.js';
import { hasRetries, type Task } from './task.js';

/**
 * Signals a process raises on itself when it faults (or calls abort()): a worker ended by one of these while starting
 * failed of its own making. Any other signal (SIGKILL, SIGTERM, SIGINT, SIGHUP…) came from outside.
 */
const FAULTS: ReadonlySet<string> = new Set(['SIGSEGV', 'SIGBUS', 'SIGILL', 'SIGFPE', 'SIGABRT', 'SIGSYS', 'SIGTRAP']);

/** What the engine knows of a worker once it exited and everything it wrote was read. */
export interface ExitFacts {
  /** Its state just before it exited. */
  state: WorkerState;
  /** It said ready at some point. */
  wasReady: boolean;
  /** The pool killed it to end this (running, already settled) task. */
  killedFor: Task | undefined;
  /** The tasks it held that are not settled, oldest first. */
  held: readonly Task[];
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Workers in a row, before this one, that failed to start. */
  startupFailures: number;
  maxStartupFailures: number;
}

/** What to do: see {@link accountExit}. */
export interface ExitOutcome {
  /** Back to the head of the queue, in this order. */
  requeue: Task[];
  /** Rejects with `WorkerCrashedError`: the task that was running when it died. */
  crashedTask: Task | undefined;
  /** The running task runs again (it is first in `requeue`): use up one of its retries. */
  retried: Task | undefined;
  /** The pool did not plan this exit: counts in `stats().crashed`. */
  crashed: boolean;
  /** The pool planned it (told it to leave, or killed it): `workerExit`'s `crashed` is false. */
  planned: boolean;
  /** Workers in a row that failed to start, this one included. */
  startupFailures: number;
  /** That is `maxStartupFailures`: the pool breaks (`ERR_POOL_BROKEN`). */
  broken: boolean;
}

/** See the module comment. */
export function accountExit(facts: ExitFacts): ExitOutcome {
  const { state, held } = facts;
  // Only the pool kills a worker (its state says so): a kill is planned; so is a retiring worker leaving with nothing held.
  const planned = state === WorkerState.Killed || (state === WorkerState.Retiring && held.length === 0);
  const outcome: ExitOutcome = {
    requeue: [],
    crashedTask: undefined,
    retried: undefined,
    crashed: false,
    planned,
    startupFailures: facts.startupFailures,
    broken: false,
  };
  if (!facts.wasReady) {
    // It held no task that ran (none is sent before ready): they all go back.
    outcome.requeue.push(...held);
    // Told to leave before it was ready (close()), or killed by a signal from outside: it did not fail to start, and is
    // simply replaced. Only a failure of its own making counts: the initializer threw, the module failed to import, it
    // exited by itself or faulted.
    if (state === WorkerState.Retiring || (facts.signal !== null && !FAULTS.has(facts.signal))) return outcome;
    outcome.startupFailures++;
    outcome.broken = outcome.startupFailures >= facts.maxStartupFailures;
    return outcome;
  }
  if (facts.killedFor !== undefined) {
    // Killed on purpose to end its running task (already settled): the rest never started.
    outcome.requeue.push(...held);
    return outcome;
  }
  if (held.length > 0) {
    outcome.crashed = true;
    const [running, ...waiting] = held;
    if (hasRetries(running!)) {
      outcome.retried = running;
      outcome.requeue.push(running!);
    } else {
      outcome.crashedTask = running;
    }
    outcome.requeue.push(...waiting);
    return outcome;
  }
  outcome.crashed = !planned && facts.exitCode !== 0;
  return outcome;
}
