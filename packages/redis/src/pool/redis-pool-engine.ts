/**
 * A Pool on Redis, the caller's side (a `PoolEngine`): tasks submitted in one tick travel as batches on the pool's
 * task queue (a queue on Redis named `pool:<name>`); agents (`multiproc worker`, agent.ts) take batches, run their
 * tasks on an ordinary local Pool, and record each outcome once in this caller's result list, waking it on its
 * channel. The caller re-reads the list every second too (a lost wake-up costs a delay) and looks for dead agents,
 * whose batches go back to the queue (at-least-once execution; `maxDeliveries` bounds it).
 *
 * Lifecycle (`#state`): open → closed (no more submits) | terminated (every task rejected).
 *
 * @module
 */
import { AbortError } from '@multiproc/wire';
import { PoolTerminatedError, type PoolEngine, type PoolEngineSetup, type PoolStats, type TaskKind } from '@multiproc/pool';
import type { RedisBackend } from '../backend.js';
import type { RedisQueue } from '../queue/redis-queue.js';
import type { Session } from '../session.js';
import type { BatchTask, TaskBatch, TaskOutcome } from './pool-protocol.js';
import { portableFunction, type PortableFunction } from './portable-function.js';

/**
 * Most tasks in one batch: one agent takes a whole batch, so smaller batches spread better over agents. A tick's
 * tasks are also split in at least `processes` batches (the Pool's `processes`: about how many run at once), so a
 * few tasks still reach several agents.
 */
const MAX_BATCH = 64;
/** Most results taken per round trip. */
const RESULTS_PER_READ = 1000;

/** Engines made in this process: each has its own inbox (`<client>/<n>`), so two Pools of one name never mix results. */
let engines = 0;

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  cleanup: (() => void) | undefined;
}

type EngineState = 'open' | 'closed' | 'terminated';

/** See the module comment. */
export class RedisPoolEngine implements PoolEngine {
  readonly processes: number;
  readonly #setup: PoolEngineSetup;
  readonly #queue: RedisQueue<TaskBatch>;
  readonly #maxDeliveries: number;
  #state: EngineState = 'open';
  #seq = 0;
  readonly #pending = new Map<string, Pending>();
  /** The portable form of each function id (or the error that it has none). */
  readonly #functions = new Map<number, PortableFunction | Error>();
  #batch: BatchTask[] = [];
  #listening: Promise<Session> | undefined;
  #stopListening: (() => void) | undefined;
  #release: (() => void) | undefined;
  #timer: NodeJS.Timeout | undefined;
  #reading = false;
  #readAgain = false;
  readonly #idle: Array<() => void> = [];
  #completed = 0;
  #failed = 0;
  readonly #engineNo = ++engines;
  /** Where agents record this engine's results: `<client>/<n>`. */
  #inbox = '';

  constructor(backend: RedisBackend, setup: PoolEngineSetup, queue: RedisQueue<TaskBatch>, maxDeliveries: number) {
    this.#setup = setup;
    this.#queue = queue;
    this.#maxDeliveries = maxDeliveries;
    this.processes = setup.options.processes;
  }

  submit(fnId: number, kind: TaskKind, payload: unknown[], timeout: number | undefined, retries: number, signal: AbortSignal | undefined, call: string): Promise<unknown> {
    const fn = this.#portable(fnId, call);
    if (fn instanceof Error) return Promise.reject(fn);
    const id = `${++this.#seq}`;
    return new Promise((resolve, reject) => {
      const pending: Pending = { resolve, reject, cleanup: undefined };
      if (signal) {
        const onAbort = () => this.#giveUp([id], () => new AbortError(call, signal.reason));
        signal.addEventListener('abort', onAbort, { once: true });
        pending.cleanup = () => signal.removeEventListener('abort', onAbort);
      }
      this.#pending.set(id, pending);
      if (this.#batch.length === 0) {
        // Once per tick: the batch is sent, and the results listened for, in one go.
        queueMicrotask(() => void this.#flush());
        this.#listen();
      }
      this.#batch.push({ id, fn: fnId, kind, payload, timeout: timeout ?? null, retries });
    });
  }

  #portable(fnId: number, call: string): PortableFunction | Error {
    let fn = this.#functions.get(fnId);
    if (!fn) {
      try {
        fn = portableFunction(this.#setup.functions.ref(fnId), call);
      } catch (error) {
        fn = error as Error;
      }
      this.#functions.set(fnId, fn);
    }
    return fn;
  }

  /** Sends the tasks submitted this tick, in batches (see MAX_BATCH). */
  async #flush(): Promise<void> {
    const tasks = this.#batch;
    this.#batch = [];
    try {
      // The inbox is known once listening.
      await this.#listen();
    } catch (error) {
      this.#settleAll(tasks.map((t) => t.id), () => error);
      return;
    }
    const batches: TaskBatch[] = [];
    const size = Math.max(1, Math.min(MAX_BATCH, Math.ceil(tasks.length / this.processes)));
    for (let at = 0; at < tasks.length; at += size) {
      const slice = tasks.slice(at, at + size).filter((t) => this.#pending.has(t.id));
      if (slice.length === 0) continue;
      const index = new Map<number, number>();
      const functions: PortableFunction[] = [];
      for (const task of slice) {
        if (!index.has(task.fn)) index.set(task.fn, functions.push(this.#functions.get(task.fn) as PortableFunction) - 1);
        task.id = `${this.#inbox}:${task.id}`;
        task.fn = index.get(task.fn)!;
      }
      batches.push({ id: slice[0]!.id, caller: this.#inbox, maxDeliveries: this.#maxDeliveries, functions, tasks: slice });
    }
    if (batches.length === 0) return;
    try {
      await this.#queue.putMany(batches, { call: 'Pool (Redis)' });
    } catch (error) {
      this.#settleAll(batches.flatMap((b) => b.tasks.map((t) => localId(t.id))), () => error);
    }
  }

  /** Listens for this caller's results (once), and keeps the process alive while tasks are outstanding. */
  #listen(): Promise<Session> {
    if (!this.#listening) {
      this.#listening = this.#queue.internals().then(({ session }) => {
        this.#inbox = `${session.client}/${this.#engineNo}`;
        this.#stopListening = session.wakeups.onTicket(`pool:${this.#inbox}`, () => void this.#readResults());
        return session;
      });
      this.#listening.catch(() => (this.#listening = undefined));
    }
    void this.#listening.then((session) => {
      if (this.#pending.size > 0 && !this.#release) {
        this.#release = session.hold();
        this.#schedule(session);
      }
    }, () => undefined);
    return this.#listening;
  }

  /** Re-reads the results every recheck period (a lost wake-up), and looks for dead agents. */
  #schedule(session: Session): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(async () => {
      if (this.#pending.size === 0) return;
      await this.#queue.internals().then(({ keys }) => session.probe(keys.tag)).catch(() => undefined);
      await this.#readResults();
      if (this.#pending.size > 0) this.#schedule(session);
    }, session.recheckMs);
  }

  async #readResults(): Promise<void> {
    if (this.#reading) {
      this.#readAgain = true;
      return;
    }
    this.#reading = true;
    try {
      const { session, scriptKeys, keys } = await this.#queue.internals();
      for (;;) {
        this.#readAgain = false;
        const entries = (await session.run('Pool (Redis) results', 'pool-results', scriptKeys, [this.#inbox, RESULTS_PER_READ])) as Buffer[];
        for (const entry of entries) {
          const bar = entry.indexOf(0x7c /* '|' */);
          const id = localId(entry.toString('latin1', 0, bar));
          const outcome = session.codec.decode(entry.subarray(bar + 1), keys.tag) as TaskOutcome;
          this.#settle(id, outcome);
        }
        if (entries.length < RESULTS_PER_READ && !this.#readAgain) break;
      }
    } catch {
      // The server is away: the next recheck reads again.
    } finally {
      this.#reading = false;
    }
  }

  #settle(id: string, outcome: TaskOutcome): void {
    const pending = this.#pending.get(id);
    // A task settled already (aborted; or a second completion of a task run again): nothing to do.
    if (!pending) return;
    this.#pending.delete(id);
    pending.cleanup?.();
    if (outcome.ok) {
      this.#completed++;
      pending.resolve(outcome.value);
    } else {
      this.#failed++;
      if (this.#setup.events.listenerCount('taskError') > 0) this.#setup.events.emit('taskError', outcome.error, { id: Number(id), fn: '' });
      pending.reject(outcome.error);
    }
    this.#afterSettle();
  }

  /** Rejects tasks now (abort, terminate), and tells the agents to skip or stop them. */
  #giveUp(ids: string[], error: () => unknown): void {
    const live = ids.filter((id) => this.#pending.has(id));
    this.#settleAll(live, error);
    if (live.length === 0 || !this.#listening) return;
    void this.#listening
      .then(async (session) => {
        const { scriptKeys } = await this.#queue.internals();
        await session.run('Pool (Redis) cancel', 'pool-cancel', scriptKeys, live.map((id) => `${this.#inbox}:${id}`));
      })
      .catch(() => undefined);
  }

  #settleAll(ids: string[], error: () => unknown): void {
    for (const id of ids) {
      const pending = this.#pending.get(id);
      if (!pending) continue;
      this.#pending.delete(id);
      pending.cleanup?.();
      this.#failed++;
      pending.reject(error());
    }
    this.#afterSettle();
  }

  #afterSettle(): void {
    if (this.#pending.size > 0) return;
    clearTimeout(this.#timer);
    this.#release?.();
    this.#release = undefined;
    if (this.#state !== 'open') this.#finish();
  }

  #finish(): void {
    this.#stopListening?.();
    this.#stopListening = undefined;
    for (const resolve of this.#idle.splice(0)) resolve();
  }

  stats(): PoolStats {
    const none = { mean: 0, p99: 0 };
    return { workers: 0, busy: 0, queued: 0, inflight: this.#pending.size, completed: this.#completed, failed: this.#failed, crashed: 0, retried: 0, runTime: none, waitTime: none };
  }

  close(): void {
    if (this.#state === 'open') this.#state = 'closed';
    if (this.#pending.size === 0) this.#finish();
  }

  terminate(): void {
    if (this.#state === 'terminated') return;
    this.#state = 'terminated';
    this.#giveUp([...this.#pending.keys()], () => new PoolTerminatedError());
    this.#finish();
  }

  join(): Promise<void> {
    if (this.#pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }
}

/** This caller's id of a task (`<client>:<n>` → `<n>`). */
function localId(id: string): string {
  return id.slice(id.lastIndexOf(':') + 1);
}
