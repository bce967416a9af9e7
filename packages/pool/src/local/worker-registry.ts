/**
 * The local engine's workers: starts each (a daemon `Process` running `poolWorker`, with one end of a duplex `Pipe`),
 * reads what it sends, and tells the engine when it is ready, when a result comes, and when it has exited and
 * everything it wrote has been read (its pipe to the end, then its journal).
 *
 * @module
 */
import { Pipe } from '@multiproc/pipe';
import { Process } from '@multiproc/process';
import { WAITABLE } from '@multiproc/wire';
import type { EngineOptions } from '../engine.js';
import { JournalDir } from './journal-dir.js';
import { Msg, type FromWorker, type TaskDone, type ToWorker } from './protocol.js';
import { poolWorker } from './worker.js';
import { WorkerSlot, WorkerState } from './worker-slot.js';

const WORKER_MODULE = new URL('./worker.js', import.meta.url).href;
/** Most messages read from a worker in one go. */
const MAX_READ = 1024;
/** After a worker exits, how long its pipe may take to deliver what it wrote before the pool settles its tasks anyway. */
const DRAIN_AFTER_EXIT_MS = 2000;

/** What the registry tells the engine. */
export interface RegistryHooks {
  /** It ran its initializer and takes tasks (its state is Ready now). */
  onReady(worker: WorkerSlot): void;
  /** One of its results. */
  onResult(worker: WorkerSlot, message: TaskDone): void;
  /** It skipped task `id`, as the pool asked (the task was settled then). */
  onSkipped(worker: WorkerSlot, id: number): void;
  /** A message of its (the next result) could not be decoded: its pipe can be read no further. */
  onUnreadable(worker: WorkerSlot, error: Error): void;
  /**
   * It exited, and everything it wrote was read (its state is Exited now; `before` is the state it was in). It is
   * out of the registry, its pipe closed, its journal removed.
   */
  onExit(worker: WorkerSlot, before: WorkerState): void;
}

/** See the module comment. */
export class WorkerRegistry {
  /** Every worker not yet dealt with after its exit, in the order started. */
  readonly workers = new Set<WorkerSlot>();
  readonly #options: Readonly<EngineOptions>;
  readonly #hooks: RegistryHooks;
  readonly #journals = new JournalDir();
  #started = 0;

  constructor(options: Readonly<EngineOptions>, hooks: RegistryHooks) {
    this.#options = options;
    this.#hooks = hooks;
  }

  /** Starts a worker (it boots in the background: Starting until it says ready). */
  start(): WorkerSlot {
    const [mine, theirs] = Pipe<ToWorker | FromWorker>();
    const journal = this.#journals.pathFor(this.#started + 1);
    if (journal !== undefined) mine.recoverFrom(journal);
    const process = new Process({
      target: poolWorker,
      module: WORKER_MODULE,
      args: [theirs, this.#options.initializer, this.#options.initargs, journal],
      daemon: true,
      name: `PoolWorker-${++this.#started}`,
      execArgv: this.#options.execArgv,
    });
    process.start();
    const worker = new WorkerSlot(process, mine, journal);
    this.workers.add(worker);
    worker.listening = this.#listen(worker);
    // Noticing the exit must not keep the parent alive (join() would).
    worker.gone = process[WAITABLE].whenReady(new AbortController().signal).then(() => this.#exited(worker));
    return worker;
  }

  /** Removes the journal directory: call once no worker is left and none will start. */
  dropJournals(): void {
    if (this.workers.size === 0) this.#journals.remove();
  }

  async #listen(worker: WorkerSlot): Promise<void> {
    try {
      for (;;) {
        // Results come in bursts (a worker writes them in batches): one wait per burst.
        for (const message of (await worker.conn.recvMany(MAX_READ, { keepAlive: false })) as FromWorker[]) {
          if (message[0] === Msg.Ready) {
            if (worker.to(WorkerState.Ready)) this.#hooks.onReady(worker);
          } else if (message[0] === Msg.Skipped) this.#hooks.onSkipped(worker, message[1]);
          else this.#hooks.onResult(worker, message);
        }
      }
    } catch (error) {
      // A message that could not be decoded ends the channel; anything else is the end of the pipe: the worker is
      // leaving or died, and its exit settles what it held.
      if ((error as { code?: unknown } | undefined)?.code === 'ERR_FRAME_DECODE') this.#hooks.onUnreadable(worker, error as Error);
    }
  }

  async #exited(worker: WorkerSlot): Promise<void> {
    const before = worker.state;
    worker.to(WorkerState.Exited);
    // What it wrote before it died, and the results in its journal, come first: only then is the oldest task it held
    // and did not answer the one that was running. (A worker that never said ready has sent nothing, and may have
    // died before it took its end of the pipe, whose other end then never sees EOF.)
    if (worker.wasReady) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([worker.listening, new Promise<void>((resolve) => (timer = setTimeout(resolve, DRAIN_AFTER_EXIT_MS).unref()))]);
      clearTimeout(timer);
    }
    worker.clearHeadTimer();
    this.workers.delete(worker);
    void worker.conn.close().catch(() => {});
    this.#journals.removeJournal(worker.journal);
    this.#hooks.onExit(worker, before);
  }
}
