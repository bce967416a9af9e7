/**
 * Starts the orphan watchdog (watchdog-worker.ts) in a child.
 *
 * @module
 */
import { Worker } from 'node:worker_threads';
import { PARENT_PID_ENV } from './spawn.js';

const WORKER = new URL('./watchdog-worker.js', import.meta.url);

/** Starts the watchdog; it never keeps the child alive. */
export function startWatchdog(): void {
  const parentPid = Number(process.env[PARENT_PID_ENV]) || process.ppid;
  delete process.env[PARENT_PID_ENV];
  const worker = new Worker(WORKER, {
    workerData: { parentPid, pid: process.pid, intervalMs: 100, graceMs: 400 },
    // The watchdog needs no loaders (a parent's --import tsx would slow its boot).
    execArgv: [],
    env: {},
    stdout: true,
    stderr: false,
  });
  worker.unref();
}
