/**
 * This process's liveness key: set at connect, kept alive by a worker thread (liveness-worker.ts), deleted at close.
 * Another process that finds it gone treats this one as dead and releases what it held (see backend.ts's probe).
 * The bound: a process that vanishes (SIGKILL with no multiproc parent, a lost machine) is found dead at most
 * `ttlMs` after its last beat, plus the time until a waiter's next re-check (at most 1 s).
 *
 * @module
 */
import { Worker } from 'node:worker_threads';

/** The heartbeat of one backend connection. */
export class Liveness {
  readonly #worker: Worker;

  constructor(connection: Record<string, unknown>, key: string, ttlMs: number) {
    this.#worker = new Worker(new URL('./liveness-worker.js', import.meta.url), {
      workerData: { connection, key, value: String(process.pid), ttlMs },
      // Its stdio is not the user's: nothing it could print belongs there.
      stdout: true,
      stderr: true,
    });
    this.#worker.on('error', () => undefined);
    // The heartbeat never keeps the process alive on its own.
    this.#worker.unref();
  }

  /** Stops the heartbeat (the key is deleted by the backend's close, or expires). */
  async stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.#worker.once('exit', () => resolve()));
    this.#worker.postMessage('stop');
    const timer = setTimeout(() => void this.#worker.terminate(), 1000);
    await exited;
    clearTimeout(timer);
  }
}
