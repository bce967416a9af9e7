/**
 * One worker of the local engine, parent side: its Process, its Pipe end, its state, and the tasks it holds in the
 * order it will run them. Because the worker runs them one at a time in that order, the oldest unsettled task is
 * the one running.
 *
 * @module
 */
import type { Connection } from '@multiproc/pipe';
import type { Process } from '@multiproc/process';
import { EncodeError } from '@multiproc/wire';
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

/**
 * A send failed because the pool's end of the worker's pipe is closed (closed by the pool, or its channel ended with
 * the worker), not because of the message: only a channel throws ERR_CHANNEL_CLOSED, and it does before it encodes.
 */
function isGone(conn: Connection<ToWorker | FromWorker>, error: unknown): boolean {
  return conn.closed || (error as { code?: unknown } | null | undefined)?.code === 'ERR_CHANNEL_CLOSED';
}

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
   * Sends `tasks` in one message (the functions they use first, once each), and holds them.
   *
   * @throws when the message is refused for what it holds: an argument cannot be encoded or read (`ERR_ENCODE`, the
   *   error a getter threw as its cause), a passable argument refused with an error of its own, or the batch is more
   *   than one message may hold (`ERR_FRAME_TOO_LARGE`). Then nothing was sent, the tasks are not held, and the worker
   *   is as it was. A worker whose pipe is closed (it died, or is dying) is not an error here: it holds the tasks, and
   *   its exit settles them.
   * @param now - written in this call (`Connection.sendNow`), not at the end of the tick.
   */
  send(tasks: Task[], functionMessage: (id: number) => ToWorker, now = false): void {
    const conn = this.conn;
    for (const task of tasks) {
      if (this.knownFunctions.has(task.fnId)) continue;
      this.knownFunctions.add(task.fnId);
      // A failure here means the worker is gone: its exit settles the tasks.
      conn.send(functionMessage(task.fnId)).catch(() => {});
    }
    let list;
    try {
      list = encodeTaskList(tasks);
    } catch (cause) {
      // A getter of an args array threw: as the codec does for one of an argument's own.
      const what = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
      throw new EncodeError(
        `Pool: a task's arguments cannot be sent to its worker: reading them threw ${what}. An args array is read when ` +
          'its task is sent: pass a plain array of the values themselves (no getters, no Proxy).',
        { cause },
      );
    }
    // Synchronous (the end is open: it said ready through it), so a refusal is known here, before anything else is sent.
    try {
      if (now) conn.sendNow({ t: Msg.Run, tasks: list });
      else conn.trySend({ t: Msg.Run, tasks: list });
    } catch (error) {
      if (!isGone(conn, error)) throw error;
    }
    for (const task of tasks) this.inflight.push(task);
    this.assigned += tasks.length;
  }

  /**
   * Takes task `id`, which it has answered, off {@link inflight}. It answers every task it is sent, in order, with a
   * result or `Skipped`, so that task is the head (tasks before it are dropped with it, as a guard).
   */
  answered(id: number): Task | undefined {
    let task = this.inflight.shift();
    while (task && task.id !== id) task = this.inflight.shift();
    return task;
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
