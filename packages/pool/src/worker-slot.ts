/**
 * One worker of a pool, parent side: its Process, its Pipe end, and the tasks
 * it holds in the order it will run them. Because the worker runs them one at
 * a time in that order, the oldest unsettled task is the one running.
 *
 * @module
 */
import type { Connection } from '@multiproc/pipe';
import type { Process } from '@multiproc/process';
import { Msg, type FromWorker, type ToWorker } from './protocol.js';
import { isSettled, taskList, type Task } from './task.js';

/** What `send()` returns when the batch was written in the call. */
const SENT = Promise.resolve();

/** See the module comment. */
export class WorkerSlot {
  readonly process: Process;
  readonly conn: Connection<ToWorker | FromWorker>;
  /** Sent and not yet settled or reported, oldest (running) first. */
  readonly inflight: Task[] = [];
  /** The initializer ran and it said so. */
  ready = false;
  /** It takes no more tasks and leaves once its tasks are done (maxTasksPerChild, maxRssBytes, close). */
  retiring = false;
  /** The pool killed it to end this task (timeout, abort): the other tasks it held never started. */
  killedFor: Task | undefined;
  /** Its process exited. */
  exited = false;
  /** Tasks ever sent to it. */
  assigned = 0;
  /** Its resident memory at its last report. */
  rss = 0;
  /** Functions it was told about. */
  readonly knownFunctions = new Set<number>();
  /** The timer of the running task's timeout. */
  headTimer: NodeJS.Timeout | undefined;
  /** The task `headTimer` watches. */
  headTask: Task | undefined;
  /** Where it journals its results (undefined: it has no journal). */
  readonly journal: string | undefined;
  /** Settles when the pool stops reading its pipe: at the pipe's end (everything it sent, journal included, was read), or when the pool closed it. */
  listening: Promise<void> = Promise.resolve();
  /** Settles once the pool has dealt with its exit. */
  gone: Promise<void> = Promise.resolve();

  constructor(process: Process, conn: Connection<ToWorker | FromWorker>, journal: string | undefined) {
    this.process = process;
    this.conn = conn;
    this.journal = journal;
  }

  /** The task it is running now (the oldest unsettled one it holds), if any. */
  get running(): Task | undefined {
    const inflight = this.inflight;
    for (let i = 0; i < inflight.length; i++) if (!isSettled(inflight[i]!)) return inflight[i];
    return undefined;
  }

  /**
   * Sends `tasks` in one message (the functions they use first, once each). Encoding errors reject. `now`: written in
   * this call (`Connection.sendNow`), not at the end of the tick.
   */
  send(tasks: Task[], functionRefs: (id: number) => ToWorker, now = false): Promise<void> {
    for (const task of tasks) {
      if (this.knownFunctions.has(task.fnId)) continue;
      this.knownFunctions.add(task.fnId);
      // A failure here means the worker is gone: its exit settles the tasks.
      this.conn.send(functionRefs(task.fnId)).catch(() => {});
    }
    let list;
    try {
      list = taskList(tasks);
    } catch (error) {
      return Promise.reject(error); // (the tasks were not taken: see Pool's #sendBatch)
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
  unsend(tasks: Task[]): void {
    for (const task of tasks) {
      const at = this.inflight.indexOf(task);
      if (at >= 0) this.inflight.splice(at, 1);
    }
    this.assigned -= tasks.length;
  }

  clearHeadTimer(): void {
    clearTimeout(this.headTimer);
    this.headTimer = undefined;
    this.headTask = undefined;
  }
}
