/**
 * The local engine's books: settles tasks (once each), counts them, times them, tells the listeners (`taskError`,
 * the `multiproc:pool:task` channel), and keeps the process alive while any task is outstanding.
 *
 * @module
 */
import { channel as diagnosticsChannel } from 'node:diagnostics_channel';
import type { FunctionCatalog, PoolEvents } from '../engine.js';
import { Samples, type PoolStats } from '../pool-stats.js';
import { isSettled, settle, TaskState, type Task } from './task.js';
import type { WorkerSlot } from './worker-slot.js';

const taskChannel = diagnosticsChannel('multiproc:pool:task');

/** See the module comment. */
export class TaskLedger {
  /** Tasks submitted and not settled. */
  outstanding = 0;
  readonly counts = { completed: 0, failed: 0, crashed: 0, retried: 0 };
  readonly runTimes = new Samples();
  readonly waitTimes = new Samples();
  readonly #functions: FunctionCatalog;
  readonly #events: PoolEvents;
  #keepAlive: NodeJS.Timeout | undefined;
  /** The engine takes no more tasks: once idle, the keep-alive timer goes for good. */
  #closed = false;

  constructor(functions: FunctionCatalog, events: PoolEvents) {
    this.#functions = functions;
    this.#events = events;
  }

  /** `Pool.stats()`: these books, with the workers' loads and the queue's length. */
  stats(workers: ReadonlySet<WorkerSlot>, queued: number): PoolStats {
    let inflight = 0;
    let busy = 0;
    for (const worker of workers) {
      const held = worker.inflight.filter((task) => !isSettled(task)).length;
      inflight += held;
      if (held > 0) busy++;
    }
    return { workers: workers.size, busy, queued, inflight, ...this.counts, runTime: this.runTimes.summary(), waitTime: this.waitTimes.summary() };
  }

  /** A task was queued: it is outstanding until it settles. */
  opened(): void {
    this.outstanding++;
    this.updateKeepAlive();
  }

  /** Resolves the task with `value` (`ok`) or rejects it with it, once (a second time does nothing). */
  settle(task: Task, ok: boolean, value: unknown): void {
    const waitMs = task.state === TaskState.Sent ? task.time : undefined;
    if (!settle(task, ok, value)) return;
    this.outstanding--;
    if (ok) this.counts.completed++;
    else {
      this.counts.failed++;
      if (this.#events.listenerCount('taskError') > 0) this.#events.emit('taskError', value, { id: task.id, fn: this.#functions.name(task.fnId) });
    }
    if (taskChannel.hasSubscribers) taskChannel.publish({ id: task.id, fn: this.#functions.name(task.fnId), ok, waitMs });
    this.updateKeepAlive();
  }

  /** The engine takes no more tasks (close, terminate, broken). */
  close(): void {
    this.#closed = true;
    this.updateKeepAlive();
  }

  /** While tasks are outstanding the engine keeps the process alive; an idle engine does not. */
  updateKeepAlive(): void {
    // One timer for the engine's life, ref'd and unref'd: making and clearing one per busy spell cost ~5–8 µs of a
    // sequential apply()'s round trip. Cleared once the engine takes no more tasks and is idle.
    if (this.outstanding > 0) (this.#keepAlive ??= setInterval(() => {}, 1 << 30)).ref();
    else if (this.#keepAlive && this.#closed) {
      clearInterval(this.#keepAlive);
      this.#keepAlive = undefined;
    } else this.#keepAlive?.unref();
  }
}
