/**
 * One worker of the local engine, parent side: its Process, its Pipe end, its state, and the tasks it holds in the
 * order it will run them. Because the worker runs them one at a time in that order, the oldest unsettled task is
 * the one running.
 *
 * @module
 */
import type { Connection } from '@multiproc/pipe';
import type { Process } from '@multiproc/process';
import { Msg, type FromWorker, type ToWorker } from './protocol.js';
import { encodeTaskList } from './task-list.js';
import { isSettled, timeoutOf, type Task } from './task.js';

/**
 * A worker's life, held in {@link WorkerSlot.state} and changed only by {@link WorkerSlot.to}:
 *
 * ```text
 * Starting ──ready──▶ Ready ──▶ Retiring ──▶ Killed ──▶ Exited
 *     └──────────────────┴──────────┴───────────┴─────────▲  (each may exit; Starting may retire or be killed)
 * ```
 */
export const enum WorkerState {
  /** Its process is starting, or running the initializer: it takes no task yet. */
  Starting = 0,
  /** It said ready, and takes tasks. */
  Ready = 1,
  /** It takes no more tasks and leaves once its tasks are done (maxTasksPerChild, maxRssBytes, close). */
  Retiring = 2,
  /** The pool killed it (a task's timeout or abort, terminate, a broken pool); its exit is on its way. */
  Killed = 3,
  /** Its process exited. */
  Exited = 4,
}

/** The states each state may move to. */
const NEXT: Readonly<Record<WorkerState, readonly WorkerState[]>> = {
  [WorkerState.Starting]: [WorkerState.Ready, WorkerState.Retiring, WorkerState.Killed, WorkerState.Exited],
  [WorkerState.Ready]: [WorkerState.Retiring, WorkerState.Killed, WorkerState.Exited],
  [WorkerState.Retiring]: [WorkerState.Killed, WorkerState.Exited],
  [WorkerState.Killed]: [WorkerState.Exited],
  [WorkerState.Exited]: [],
};

/** What `send()` returns when the batch was written in the call. */
const SENT = Promise.resolve();

/** See the module comment. */
export class WorkerSlot {
  readonly process: Process;
  readonly conn: Connection<ToWorker | FromWorker>;
  /** Where it journals its results (undefined: it has no journal). */
  readonly journal: string | undefined;
  /** Sent and not yet settled or reported, oldest (running) first. */
  readonly inflight: Task[] = [];
  /** Tasks ever sent to it. */
  assigned = 0;
  /** Its resident memory at its last report. */
  rss = 0;
  /** Functions it was told about, by id. */
  readonly knownFunctions = new Set<number>();
  /** Settles when the pool stops reading its pipe: at the pipe's end (everything it sent, journal included, was read), or when the pool closed it. */
  listening: Promise<void> = Promise.resolve();
  /** Settles once the pool has dealt with its exit. */
  gone: Promise<void> = Promise.resolve();
  #state = WorkerState.Starting;
  /** It was Ready once (a worker that leaves before it was did not start). */
  #wasReady = false;
  /** The task the pool killed it to end (timeout, abort): the others it held never started. */
  #killedFor: Task | undefined;
  /** The timer of the running task's timeout, and the task it watches. */
  #headTimer: NodeJS.Timeout | undefined;
  #headTask: Task | undefined;

  constructor(process: Process, conn: Connection<ToWorker | FromWorker>, journal: string | undefined) {
    this.process = process;
    this.conn = conn;
    this.journal = journal;
  }

  /** See {@link WorkerState}. */
  get state(): WorkerState {
    return this.#state;
  }

  /** It takes tasks. */
  get open(): boolean {
    return this.#state === WorkerState.Ready;
  }

  /** It said ready at some point. */
  get wasReady(): boolean {
    return this.#wasReady;
  }

  /** The task whose end the pool killed it for, if it did. */
  get killedFor(): Task | undefined {
    return this.#killedFor;
  }

  /**
   * Moves it to `next`: the one place its state changes. False (and no change) when `next` is not reachable from its
   * state (a worker told to retire twice, killed after it exited…): callers may ask without checking first.
   */
  to(next: WorkerState): boolean {
    if (!NEXT[this.#state].includes(next)) return false;
    this.#state = next;
    if (next === WorkerState.Ready) this.#wasReady = true;
    if (next === WorkerState.Exited || next === WorkerState.Killed) this.clearHeadTimer();
    return true;
  }

  /** Kills its process (SIGKILL); `task`: the running task it is killed to end (already settled). */
  kill(task?: Task): void {
    if (!this.to(WorkerState.Killed)) return;
    this.#killedFor = task;
    this.process.kill();
  }

  /** The task it is running now (the oldest unsettled one it holds), if any. */
  get running(): Task | undefined {
    const inflight = this.inflight;
    for (let i = 0; i < inflight.length; i++) if (!isSettled(inflight[i]!)) return inflight[i];
    return undefined;
  }

  /**
   * Sends `tasks` in one message (the functions they use first, once each). Encoding errors reject, and then the
   * tasks were not taken. `now`: written in this call (`Connection.sendNow`), not at the end of the tick.
   */
  send(tasks: Task[], functionMessage: (id: number) => ToWorker, now = false): Promise<void> {
    for (const task of tasks) {
      if (this.knownFunctions.has(task.fnId)) continue;
      this.knownFunctions.add(task.fnId);
      // A failure here means the worker is gone: its exit settles the tasks.
      this.conn.send(functionMessage(task.fnId)).catch(() => {});
    }
    let list;
    try {
      list = encodeTaskList(tasks);
    } catch (error) {
      return Promise.reject(error);
    }
    for (const task of tasks) this.inflight.push(task);
    this.assigned += tasks.length;
    if (!now) return this.conn.send({ t: Msg.Run, tasks: list });
    try {
      this.conn.sendNow({ t: Msg.Run, tasks: list });
      return SENT;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Takes `tasks` back out (their message could not be sent). */
  unsend(tasks: readonly Task[]): void {
    for (const task of tasks) {
      const at = this.inflight.indexOf(task);
      if (at >= 0) this.inflight.splice(at, 1);
    }
    this.assigned -= tasks.length;
  }

  /**
   * Times its running task if that has a timeout: `onTimeout` runs once the task has run `timeout` ms and still runs.
   * Call it whenever the running task may have changed (a result, a send): it keeps the timer of a task already timed.
   */
  watchHead(onTimeout: (worker: WorkerSlot, task: Task, timeout: number) => void): void {
    const head = this.running;
    if (head === this.#headTask) return;
    this.clearHeadTimer();
    const timeout = head && timeoutOf(head);
    if (!head || timeout === undefined || this.#state >= WorkerState.Killed) return;
    this.#headTask = head;
    this.#headTimer = setTimeout(() => {
      if (this.running === head) onTimeout(this, head, timeout);
    }, timeout);
    this.#headTimer.unref();
  }

  clearHeadTimer(): void {
    clearTimeout(this.#headTimer);
    this.#headTimer = undefined;
    this.#headTask = undefined;
  }
}
