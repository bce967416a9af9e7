/**
 * A Pool on Redis, the agent's side: what `multiproc worker` runs on each machine that joins a pool. It takes
 * batches of tasks from the pool's task queue (as many as keep its local Pool busy), runs each task on an ordinary
 * local Pool (its crash accounting as it is: a worker that dies fails only its task, after the task's `retries`),
 * and records each outcome once (lua/pool-complete). A batch stays recorded under this agent until all of its tasks
 * are settled, so if this process or its machine dies, the batch goes back to the queue and runs elsewhere
 * (at-least-once); after `maxDeliveries` deliveries its tasks fail with `WorkerCrashedError`.
 *
 * It runs only functions of the modules it was started with (portable-function.ts).
 *
 * Lifecycle (`#state`): running → stopping (takes no more batches, finishes those it has) → stopped.
 *
 * @module
 */
import { InvalidArgumentError } from '@multiproc/wire';
import { Pool, WorkerCrashedError } from '@multiproc/pool';
import type { RedisBackend } from '../backend.js';
import type { RedisQueue } from '../queue/redis-queue.js';
import type { Session } from '../session.js';
import { AllowedModules, type PortableFunction } from './portable-function.js';
import type { BatchTask, TaskBatch, TaskOutcome } from './pool-protocol.js';
import { poolQueue } from './pool-queue.js';

/** Options of {@link runAgent}. */
export interface AgentOptions {
  /** The pool's name (as callers give `new Pool({ name, backend })`). */
  pool: string;
  /** Absolute paths of the modules whose exported functions this agent may run. */
  modules: string[];
  /** Worker processes of its local Pool. */
  processes: number;
}

/** A running agent. */
export interface Agent {
  /** Batches taken so far. */
  readonly batches: number;
  /** Stops taking batches, finishes those it has, and closes its local Pool. */
  stop(): Promise<void>;
}

type AgentState = 'running' | 'stopping' | 'stopped';

/** One result waiting to be recorded. */
interface Completion {
  id: string;
  caller: string;
  outcome: Buffer;
}

/** A batch being run. */
interface RunningBatch {
  ticket: string;
  batch: TaskBatch;
  left: number;
  done: Completion[];
  controllers: Map<string, AbortController>;
}

class PoolAgent implements Agent {
  readonly #queue: RedisQueue<TaskBatch>;
  readonly #local: Pool;
  readonly #allowed: AllowedModules;
  readonly #stop = new AbortController();
  #state: AgentState = 'running';
  #batches = 0;
  /** Tasks taken and not settled: it takes another batch while this is below its capacity. */
  #inFlight = 0;
  readonly #capacity: number;
  #room: (() => void) | undefined;
  readonly #running = new Map<string, RunningBatch>();
  #flushScheduled = false;
  #loop: Promise<void> = Promise.resolve();
  #session!: Session;
  #scriptKeys!: string[];
  #tag!: string;
  #stopCancels: (() => void) | undefined;

  constructor(backend: RedisBackend, options: AgentOptions) {
    this.#queue = poolQueue(backend, options.pool);
    this.#local = new Pool({ processes: options.processes });
    this.#allowed = new AllowedModules(options.modules);
    this.#capacity = options.processes * 4;
  }

  get batches(): number {
    return this.#batches;
  }

  async start(): Promise<void> {
    const { session, scriptKeys, keys } = await this.#queue.internals();
    this.#session = session;
    this.#scriptKeys = scriptKeys;
    this.#tag = keys.tag;
    const release = session.hold();
    try {
      await this.#allowed.load();
      // Cancels from callers (abort, terminate) stop the tasks of theirs running here.
      this.#stopCancels = await session.wakeups.onBroadcast(keys.part('wake'), (message) => {
        if (!message.startsWith('cancel ')) return;
        for (const id of message.slice(7).split(' ')) for (const running of this.#running.values()) running.controllers.get(id)?.abort();
      });
    } finally {
      release();
    }
    this.#loop = this.#takeLoop();
  }

  async #takeLoop(): Promise<void> {
    while (this.#state === 'running') {
      if (this.#inFlight >= this.#capacity) {
        await new Promise<void>((resolve) => (this.#room = resolve));
        continue;
      }
      let delivery: { ticket: string; buffers: Buffer[] };
      try {
        delivery = await this.#queue.takeDelivery(1, { wait: true, call: 'multiproc worker', signal: this.#stop.signal });
      } catch (error) {
        if (this.#state !== 'running') return;
        // The server is away (or the queue was closed): try again shortly, as long as this agent runs.
        process.emitWarning(`multiproc worker: taking tasks failed (${(error as Error).message}); retrying`);
        await new Promise((resolve) => setTimeout(resolve, 1000));
        continue;
      }
      this.#batches++;
      const batch = this.#session.codec.decode(delivery.buffers[0]!, this.#tag) as TaskBatch;
      this.#inFlight += batch.tasks.length;
      void this.#runBatch(delivery.ticket, batch);
    }
  }

  async #runBatch(ticket: string, batch: TaskBatch): Promise<void> {
    const running: RunningBatch = { ticket, batch, left: batch.tasks.length, done: [], controllers: new Map() };
    this.#running.set(ticket, running);
    let skip: Set<string>;
    let deliveries: number;
    try {
      const reply = (await this.#session.run('multiproc worker', 'pool-deliver', this.#scriptKeys, [batch.id, ...batch.tasks.map((t) => t.id)])) as Array<number | Buffer>;
      deliveries = reply[0] as number;
      skip = new Set(reply.slice(1).map(String));
    } catch {
      // The server is away: the batch stays recorded here; it is run when this agent is found dead, or never twice.
      deliveries = 1;
      skip = new Set();
    }
    for (const task of batch.tasks) {
      if (skip.has(task.id)) {
        this.#settled(running, task, undefined);
        continue;
      }
      if (deliveries > batch.maxDeliveries) {
        const error = new WorkerCrashedError(undefined, null, null, { id: Number(task.id.slice(task.id.lastIndexOf(':') + 1)), fn: batch.functions[task.fn]?.name ?? '' });
        error.message = `Pool: task ${task.id} was delivered ${deliveries} times (maxDeliveries ${batch.maxDeliveries}): the agents that took it died. ${error.message}`;
        this.#settled(running, task, { ok: false, error });
        continue;
      }
      void this.#runTask(running, task);
    }
  }

  async #runTask(running: RunningBatch, task: BatchTask): Promise<void> {
    const fn = running.batch.functions[task.fn]!;
    const found = this.#allowed.find(fn);
    if (!found) {
      this.#settled(running, task, { ok: false, error: this.#notAllowed(fn) });
      return;
    }
    const controller = new AbortController();
    running.controllers.set(task.id, controller);
    const options = { module: found.url, retries: task.retries, signal: controller.signal, ...(task.timeout === null ? {} : { timeout: task.timeout }) };
    let outcome: TaskOutcome;
    try {
      const value =
        task.kind === 0
          ? await this.#local.apply(found.exportName, task.payload, options)
          : task.kind === 1
            ? await this.#local.map(found.exportName, task.payload, { ...options, chunksize: Math.max(1, task.payload.length) })
            : await this.#local.starmap(found.exportName, task.payload as unknown[][], { ...options, chunksize: Math.max(1, task.payload.length) });
      outcome = { ok: true, value };
    } catch (error) {
      outcome = { ok: false, error };
    }
    running.controllers.delete(task.id);
    // Cancelled by its caller: the caller settled it already; recording it changes nothing, and ends the batch.
    this.#settled(running, task, outcome);
  }

  #notAllowed(fn: PortableFunction): Error {
    return new InvalidArgumentError(
      `multiproc worker (pid ${process.pid}): '${fn.name}' is in ${fn.candidates.map((c) => c.module).join(' or ')}, which this agent was not started with ` +
        `(its --import modules: ${this.#allowed.names.join(', ') || 'none'}). Start the agents with --import <that module>.`,
    );
  }

  /** A task is settled (`outcome` undefined: skipped, settled before). Its result is recorded at the next flush. */
  #settled(running: RunningBatch, task: BatchTask, outcome: TaskOutcome | undefined): void {
    if (outcome) {
      let bytes: Buffer;
      try {
        bytes = this.#session.codec.encode(outcome, this.#tag);
      } catch (error) {
        bytes = this.#session.codec.encode({ ok: false, error }, this.#tag);
      }
      running.done.push({ id: task.id, caller: running.batch.caller, outcome: bytes });
    }
    running.left--;
    this.#inFlight--;
    this.#room?.();
    this.#room = undefined;
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(() => void this.#flush());
    }
  }

  /** Records the results of this turn: one script per batch (its last one also ends the batch). */
  async #flush(): Promise<void> {
    this.#flushScheduled = false;
    for (const running of [...this.#running.values()]) {
      if (running.done.length === 0 && running.left > 0) continue;
      const done = running.done.splice(0);
      const over = running.left === 0;
      if (over) this.#running.delete(running.ticket);
      const args: Array<string | number | Buffer> = [this.#session.channelPrefix, this.#session.client, running.ticket, over ? running.batch.id : '', done.length];
      for (const c of done) args.push(c.id, c.caller, c.outcome);
      if (over) for (const t of running.batch.tasks) args.push(t.id);
      try {
        await this.#session.run('multiproc worker', 'pool-complete', this.#scriptKeys, args);
      } catch (error) {
        // Not recorded: the batch stays here (the server is away); it runs again elsewhere once this agent is found dead.
        process.emitWarning(`multiproc worker: recording results failed (${(error as Error).message})`);
      }
    }
    if (this.#state === 'stopping' && this.#running.size === 0) this.#drained?.();
  }

  #drained: (() => void) | undefined;

  async stop(): Promise<void> {
    if (this.#state !== 'running') return;
    this.#state = 'stopping';
    this.#stop.abort();
    this.#room?.();
    await this.#loop;
    if (this.#running.size > 0) await new Promise<void>((resolve) => (this.#drained = resolve));
    this.#stopCancels?.();
    this.#state = 'stopped';
    this.#local.close();
    await this.#local.join();
  }
}

/**
 * Joins this process to the pool `options.pool` on `backend`: takes its tasks and runs them on a local Pool of
 * `options.processes` workers, until `stop()`.
 */
export async function runAgent(backend: RedisBackend, options: AgentOptions): Promise<Agent> {
  const agent = new PoolAgent(backend, options);
  await agent.start();
  return agent;
}
