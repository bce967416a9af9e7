/**
 * The local engine's dispatcher: runs the scheduler (scheduler.ts) at the right moments, takes the tasks it assigns
 * off the queue, and sends them to their workers, one message per worker.
 *
 * A dispatch runs at the end of the caller's run of code (a microtask), after every result message, when a worker
 * becomes ready or exits; and, while a caller submits many tasks in one run of its code, an eager one inside
 * `submit` every EAGER_EVERY tasks (written at once, `sendNow`): otherwise a loop of 20 000 `apply()` calls queued
 * for 5–6 ms while every worker idled.
 *
 * @module
 */
import type { ToWorker } from './protocol.js';
import { schedule, type SchedulerPolicy } from './scheduler.js';
import { isSettled, markSent, type Task } from './task.js';
import type { TaskLedger } from './task-ledger.js';
import type { TaskQueue } from './task-queue.js';
import type { WorkerSlot } from './worker-slot.js';

/**
 * Every this many tasks queued, an eager dispatch. Burst of 20 000 no-op tasks, 2 workers, interleaved A/B: 64 +-0,
 * 128 +11%, 256 +6-11%, 512 +9%, 1 024 -2%.
 */
const EAGER_EVERY = 256;

/** What the dispatcher works with (the engine's parts). */
export interface DispatcherParts {
  queue: TaskQueue;
  workers: ReadonlySet<WorkerSlot>;
  policy: SchedulerPolicy;
  ledger: TaskLedger;
  /** The message that tells a worker about function `id`. */
  functionMessage: (id: number) => ToWorker;
  /** Called when a worker's running task timed out. */
  onTimeout: (worker: WorkerSlot, task: Task, timeout: number) => void;
  /**
   * The queue shrank (room for waiting submitters, maybe `drain`). `eager`: the tasks were taken by an eager dispatch
   * before, and this is the first scheduled dispatch after it (never reported inside the caller's `apply()`).
   */
  onShrank: (eager: boolean) => void;
  /** Tasks failed without reaching a worker (their arguments could not be sent): they are settled now. */
  onUnsent: () => void;
}

/** See the module comment. */
export class Dispatcher {
  readonly #parts: DispatcherParts;
  #scheduled = false;
  /** An eager dispatch took tasks off the queue; the next scheduled one reports it. */
  #shrunkEagerly = false;
  /** Tasks refused by `#send` in the dispatch running now (one array for every dispatch: most refuse nothing). */
  readonly #refused: Refused[] = [];
  /** No eager dispatch now: tasks submitted meanwhile must not overtake tasks about to be requeued. */
  hold = false;

  constructor(parts: DispatcherParts) {
    this.#parts = parts;
  }

  /** A dispatch at the end of this run of code. */
  schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => this.#dispatch(false));
  }

  /** A task was queued: maybe an eager dispatch now, and a dispatch at the end of this run of code. */
  submitted(): void {
    if (this.#parts.queue.length % EAGER_EVERY === 0 && !this.hold) this.#dispatch(true);
    this.schedule();
  }

  /** (Re)times the running task of `worker`. */
  watch(worker: WorkerSlot): void {
    worker.watchHead(this.#parts.onTimeout);
  }

  #dispatch(eager: boolean): void {
    const { queue, ledger } = this.#parts;
    if (!eager) {
      this.#scheduled = false;
      if (this.#shrunkEagerly) {
        this.#shrunkEagerly = false;
        this.#parts.onShrank(true);
      }
    }
    const plan = schedule(queue, this.#parts.workers, this.#parts.policy, eager);
    if (plan === undefined) return;
    const now = performance.now();
    for (const { worker, take } of plan.assignments) {
      const batch: Task[] = [];
      for (let i = 0; i < take; i++) {
        const task = queue.shift()!;
        if (isSettled(task)) continue;
        ledger.waitTimes.add(markSent(task, now));
        batch.push(task);
      }
      if (batch.length > 0) this.#send(worker, batch, eager);
    }
    const refused = this.#refused.length > 0;
    if (refused) this.#fail(this.#refused.splice(0));
    // A worker given fewer tasks than planned (the refused ones) may be idle now while tasks wait: share them again.
    if (plan.again || refused) this.schedule();
    if (eager) this.#shrunkEagerly = true;
    else this.#parts.onShrank(false);
  }

  /**
   * Sends `batch` to `worker`. A batch refused for what it holds (some task's arguments cannot be sent, or it is longer
   * than one message may hold: maxFrameBytes, many tasks with large arguments) goes in halves, down to the tasks at
   * fault, which are added to `#refused`.
   */
  #send(worker: WorkerSlot, batch: Task[], now: boolean): void {
    try {
      worker.send(batch, this.#parts.functionMessage, now);
    } catch (error) {
      if (batch.length === 1) {
        this.#refused.push({ task: batch[0]!, error });
        return;
      }
      const half = Math.ceil(batch.length / 2);
      this.#send(worker, batch.slice(0, half), now);
      this.#send(worker, batch.slice(half), now);
      return;
    }
    this.watch(worker);
  }

  /**
   * Fails the refused tasks, after this dispatch: settling tells `taskError` listeners and channel subscribers, whose
   * code may submit tasks, and so start a dispatch, which must not run inside this one (nor inside the caller's
   * `apply()`, where an eager dispatch runs).
   */
  #fail(refused: Refused[]): void {
    queueMicrotask(() => {
      for (const { task, error } of refused) this.#parts.ledger.settle(task, false, error);
      this.#parts.onUnsent();
    });
  }
}

/** A task whose message was refused, and why. */
interface Refused {
  task: Task;
  error: unknown;
}
