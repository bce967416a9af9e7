/**
 * The local engine: a pool's tasks run in worker processes on this machine. It never hangs on a dead worker:
 *
 * - a worker runs its tasks one at a time, in the order sent, so when it dies the oldest task it held is the one
 *   that was running: exactly that task fails (or runs again, with `retries`), the others go back to the queue, a
 *   new worker takes its place (crash-accounting.ts);
 * - a running task that times out or is aborted is ended the same way (its worker killed and replaced);
 * - workers that fail to start, over and over, break the pool with `ERR_POOL_BROKEN` instead of restarting for ever.
 *
 * Its parts: the queue (task-queue.ts), the scheduler (scheduler.ts, with run-estimates.ts), the workers
 * (worker-registry.ts, worker-slot.ts), the books (task-ledger.ts), and the wire (task-list.ts, protocol.ts).
 *
 * Lifecycle (`#state`): running --close()--> closing (finishes what it has) --> closed; any --terminate()-->
 * terminated; running or closing --workers keep failing to start--> broken.
 *
 * @module
 */
import { channel as diagnosticsChannel } from 'node:diagnostics_channel';
import { assertMayStartProcesses, cpuCount } from '@multiproc/process';
import { AbortError, TimeoutError } from '@multiproc/wire';
import type { EngineOptions, FunctionCatalog, PoolEngine, PoolEngineSetup, PoolEvents, TaskKind } from '../engine.js';
import { PoolBrokenError, PoolClosedError, PoolQueueFullError, PoolTerminatedError, ResultDecodeError, WorkerCrashedError } from '../errors.js';
import type { PoolStats } from '../pool-stats.js';
import { accountExit } from './crash-accounting.js';
import { Msg, type TaskDone, type ToWorker } from './protocol.js';
import { RoomWaiters } from './room-waiters.js';
import { RunEstimates } from './run-estimates.js';
import { Dispatcher } from './dispatcher.js';
import { isSettled, newTask, useRetry, watchAbort, type Task } from './task.js';
import { TaskLedger } from './task-ledger.js';
import { TaskQueue } from './task-queue.js';
import { WorkerRegistry } from './worker-registry.js';
import { WorkerState, type WorkerSlot } from './worker-slot.js';

type State = 'running' | 'closing' | 'closed' | 'terminated' | 'broken';

const workerChannel = diagnosticsChannel('multiproc:pool:worker');
/** This machine's cores. */
const CORES = cpuCount();

/**
 * Where `new Promise(capture)` leaves its resolve function: one executor for every task, not a closure each. (Only
 * resolve: a task rejects through it, see `settle` in task.ts.)
 */
const captured: { resolve: (value: unknown) => void } = { resolve: () => {} };
const capture = (resolve: (value: unknown) => void): void => {
  captured.resolve = resolve;
};

/** See the module comment. */
export class ProcessEngine implements PoolEngine {
  readonly processes: number;
  readonly #options: Readonly<EngineOptions>;
  readonly #functions: FunctionCatalog;
  readonly #events: PoolEvents;
  readonly #queue = new TaskQueue();
  readonly #estimates = new RunEstimates();
  readonly #ledger: TaskLedger;
  readonly #dispatcher: Dispatcher;
  readonly #registry: WorkerRegistry;
  readonly #room: RoomWaiters;
  #state: State = 'running';
  #brokenBy: Error | undefined;
  #nextTaskId = 0;
  #startupFailures = 0;

  constructor(setup: PoolEngineSetup) {
    assertMayStartProcesses('new Pool()'); // before any pipe or journal is made for a worker
    this.#options = setup.options;
    this.#room = new RoomWaiters(setup.options.maxQueue);
    this.#functions = setup.functions;
    this.#events = setup.events;
    this.processes = setup.options.processes;
    this.#ledger = new TaskLedger(setup.functions, setup.events);
    this.#registry = new WorkerRegistry(setup.options, {
      onReady: (worker) => this.#onReady(worker),
      onResult: (worker, message) => this.#onResult(worker, message),
      onSkipped: (worker, id) => this.#onSkipped(worker, id),
      // Results come in order: the one that could not be decoded is the oldest task not settled. The worker, which
      // cannot be heard any more, is killed; the tasks behind it go back to the queue.
      onUnreadable: (worker, error) => {
        const task = worker.running;
        if (task) this.#endRunning(worker, task, new ResultDecodeError({ id: task.id, fn: this.#functions.name(task.fnId) }, { cause: error }));
        else worker.kill();
      },
      onExit: (worker, before) => this.#onExit(worker, before),
    });
    this.#dispatcher = new Dispatcher({
      queue: this.#queue,
      workers: this.#registry.workers,
      policy: { cores: CORES, maxTasksPerChild: setup.options.maxTasksPerChild, estimates: this.#estimates },
      ledger: this.#ledger,
      functionMessage: (id): ToWorker => ({ t: Msg.Fn, id, ref: this.#functions.ref(id) }),
      onTimeout: (worker, task, timeout) =>
        this.#endRunning(worker, task, new TimeoutError(`Pool task ${task.id} (${this.#functions.name(task.fnId) || 'anonymous'})`, timeout)),
      // (Not once terminate() or a broken pool emptied the queue: no drain then.)
      onShrank: (eager) => {
        if (!eager || this.#state === 'running' || this.#state === 'closing') this.#afterQueueShrank();
      },
      // After close(), that may have been the last task: the workers may leave now.
      onUnsent: () => this.#maybeFinish(),
    });
    for (let i = 0; i < this.processes; i++) this.#registry.start();
  }

  submit(fnId: number, kind: TaskKind, payload: unknown[], timeout: number | undefined, retries: number, signal: AbortSignal | undefined, call: string): Promise<unknown> {
    if (this.#state !== 'running') return Promise.reject(this.#state === 'broken' ? this.#brokenBy : new PoolClosedError(call));
    const maxQueue = this.#options.maxQueue;
    if (maxQueue > 0 && this.#queue.length >= maxQueue) {
      if (this.#options.onFull === 'reject') return Promise.reject(new PoolQueueFullError(maxQueue));
      return this.#room.wait().then(() =>
        signal?.aborted ? Promise.reject(new AbortError(call, signal.reason)) : this.submit(fnId, kind, payload, timeout, retries, signal, call),
      );
    }
    // (No caller's code may run between the shared executor and reading what it captured.)
    const promise = new Promise(capture);
    const task = newTask(++this.#nextTaskId, fnId, kind, payload, captured.resolve, timeout, retries);
    if (signal) {
      const onAbort = () => this.#abort(task, new AbortError(call, signal.reason));
      signal.addEventListener('abort', onAbort, { once: true });
      watchAbort(task, () => signal.removeEventListener('abort', onAbort));
    }
    this.#queue.push(task);
    this.#ledger.opened();
    this.#dispatcher.submitted();
    return promise;
  }

  stats(): PoolStats {
    return this.#ledger.stats(this.#registry.workers, this.#queue.length);
  }

  close(): void {
    if (this.#state !== 'running') return;
    this.#state = 'closing';
    this.#ledger.close();
    this.#room.wakeAll();
    this.#maybeFinish();
  }

  terminate(): void {
    if (this.#state === 'terminated') return;
    this.#state = 'terminated';
    this.#ledger.close();
    this.#room.wakeAll();
    const error = new PoolTerminatedError();
    for (let task = this.#queue.shift(); task; task = this.#queue.shift()) this.#ledger.settle(task, false, error);
    // The tasks the workers hold settle as each exit is dealt with: one that had finished (its result still in the
    // worker's pipe or journal) gets its result, the others this error.
    for (const worker of this.#registry.workers) worker.kill();
  }

  async join(): Promise<void> {
    // Replacements may start while closing (a crash, maxTasksPerChild): wait until none is left.
    // (process.join() keeps this process alive while it waits; `gone` follows once the pool has read what the worker left.)
    const workers = this.#registry.workers;
    while (workers.size > 0) await Promise.all([...workers].map((worker) => worker.process.join().then(() => worker.gone)));
  }

  #afterQueueShrank(): void {
    this.#room.shrank(this.#queue.length);
    if (this.#queue.length === 0) this.#events.emit('drain');
  }

  #onReady(worker: WorkerSlot): void {
    this.#startupFailures = 0;
    this.#events.emit('workerStart', { pid: worker.process.pid });
    if (workerChannel.hasSubscribers) workerChannel.publish({ event: 'start', pid: worker.process.pid });
    this.#dispatcher.schedule();
  }

  #onResult(worker: WorkerSlot, message: TaskDone): void {
    const id = message[1];
    const ms = message[3] / 1000;
    const task = worker.answered(id);
    if (task) {
      this.#ledger.runTimes.add(ms);
      this.#ledger.settle(task, message[0] === Msg.Done, message[2]);
    }
    // Read after its death (the rest of its pipe, its journal): settled, and nothing more.
    if (worker.state === WorkerState.Exited) return;
    if (task) this.#estimates.record(task.fnId, ms);
    if (message.length > 4) worker.rss = message[4]!;
    const { maxRssBytes, maxTasksPerChild } = this.#options;
    if ((maxRssBytes > 0 && worker.rss > maxRssBytes) || (maxTasksPerChild > 0 && worker.assigned >= maxTasksPerChild)) worker.to(WorkerState.Retiring);
    this.#dispatcher.watch(worker);
    this.#afterAnswer(worker);
  }

  /** A task given up while it waited on `worker` was skipped there (it was settled then). */
  #onSkipped(worker: WorkerSlot, id: number): void {
    worker.answered(id);
    if (worker.state !== WorkerState.Exited) this.#afterAnswer(worker);
  }

  /** `worker` holds one task fewer: one leaving lets go once it runs nothing; there may be room for queued tasks. */
  #afterAnswer(worker: WorkerSlot): void {
    const state = worker.state;
    if ((state === WorkerState.Retiring || state === WorkerState.Killed) && worker.running === undefined) void worker.conn.close().catch(() => {});
    this.#dispatcher.schedule();
    this.#maybeFinish();
  }

  /**
   * A task asked to stop: dropped if queued; skipped by its worker if waiting there (the worker answers Skipped,
   * unless it had started it: then its result); its worker killed if running.
   */
  #abort(task: Task, error: Error): void {
    if (isSettled(task)) return;
    for (const worker of this.#registry.workers) {
      if (!worker.inflight.includes(task)) continue;
      if (worker.running === task) return this.#endRunning(worker, task, error);
      this.#ledger.settle(task, false, error);
      void worker.conn.send({ t: Msg.Skip, id: task.id }).catch(() => {});
      return;
    }
    this.#ledger.settle(task, false, error); // still queued: skipped when dispatched
  }

  /** Ends a running task by killing its worker; the exit requeues the others and replaces it. */
  #endRunning(worker: WorkerSlot, task: Task, error: Error): void {
    this.#ledger.settle(task, false, error);
    worker.kill(task);
  }

  #onExit(worker: WorkerSlot, before: WorkerState): void {
    if (this.#state !== 'running' && this.#state !== 'closing') this.#registry.dropJournals();
    const { pid, exitCode, signalCode } = worker.process;
    const held = worker.inflight.filter((task) => !isSettled(task));
    worker.inflight.length = 0;
    const outcome = accountExit({
      state: before,
      wasReady: worker.wasReady,
      killedFor: worker.killedFor,
      held,
      exitCode,
      signal: signalCode,
      startupFailures: this.#startupFailures,
      maxStartupFailures: this.#options.maxStartupFailures,
    });
    // A listener may submit tasks; sent eagerly (see submit), they would go out ahead of the ones requeued below.
    this.#dispatcher.hold = true;
    try {
      this.#events.emit('workerExit', { pid, exitCode, signal: signalCode, crashed: !outcome.planned });
      if (workerChannel.hasSubscribers) workerChannel.publish({ event: 'exit', pid, exitCode, signal: signalCode });
    } finally {
      this.#dispatcher.hold = false;
    }
    if (this.#state === 'terminated' || this.#state === 'broken') {
      const error = this.#state === 'broken' ? this.#brokenBy : new PoolTerminatedError();
      for (const task of held) this.#ledger.settle(task, false, error);
      return;
    }
    this.#startupFailures = outcome.startupFailures;
    if (outcome.crashed) this.#ledger.counts.crashed++;
    if (outcome.retried) {
      useRetry(outcome.retried);
      this.#ledger.counts.retried++;
    }
    this.#queue.requeue(outcome.requeue);
    const crashed = outcome.crashedTask;
    if (crashed) this.#ledger.settle(crashed, false, new WorkerCrashedError(pid, exitCode, signalCode, { id: crashed.id, fn: this.#functions.name(crashed.fnId) }));
    if (outcome.broken) return this.#break(pid, exitCode, signalCode);
    if (this.#state === 'running' || (this.#state === 'closing' && this.#queue.length > 0)) this.#registry.start();
    this.#dispatcher.schedule();
    this.#maybeFinish();
  }

  #break(pid: number | undefined, exitCode: number | null, signal: NodeJS.Signals | null): void {
    this.#state = 'broken';
    this.#ledger.close();
    const error = new PoolBrokenError(this.#startupFailures, {
      cause: new Error(`the last worker (pid ${pid}) exited with ${signal ? `signal ${signal}` : `code ${exitCode}`} before it was ready; its error is on stderr`),
    });
    this.#brokenBy = error;
    for (let task = this.#queue.shift(); task; task = this.#queue.shift()) this.#ledger.settle(task, false, error);
    this.#room.wakeAll();
    for (const worker of this.#registry.workers) {
      for (const task of worker.inflight) this.#ledger.settle(task, false, error);
      worker.inflight.length = 0;
      worker.kill();
    }
  }

  /** After close(): once nothing is queued or running, workers are told to leave. */
  #maybeFinish(): void {
    if (this.#state !== 'closing' || this.#queue.length > 0) return;
    for (const worker of this.#registry.workers) if (worker.running) return;
    this.#state = 'closed';
    for (const worker of this.#registry.workers) {
      worker.to(WorkerState.Retiring);
      void worker.conn.close().catch(() => {});
    }
  }
}
