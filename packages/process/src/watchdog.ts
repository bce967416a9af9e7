/**
 * Child side: ends this child when its parent dies — the orphan promise: gone
 * within 1 s of its parent's death, even while busy in a CPU loop, its own
 * children too (each of them is a child with the same promise).
 *
 * - Started through setpriv (parent-death.ts; `MULTIPROC_PDEATHSIG` set): the
 *   kernel sends SIGTERM when the parent dies. With no SIGTERM listener that
 *   signal ends the process at once, whatever its main thread is doing. A
 *   listener (the exit hooks of a child with children of its own, or the
 *   user's) turns it into a callback that a busy main thread never runs, so
 *   the watchdog thread (watchdog-worker.ts) starts when the first SIGTERM
 *   listener is added: it follows up with SIGKILL.
 * - Otherwise: the watchdog thread from the start.
 *
 * Either way a parent that is already gone (it died before the signal was
 * armed) ends the child here.
 *
 * @module
 */
import { PARENT_PID_ENV, PDEATHSIG_ENV } from './child-env.js';

const WORKER = new URL('./watchdog-worker.js', import.meta.url);

/** Starts watching the parent (see the module comment); nothing it starts keeps the child alive. */
export function watchParent(): void {
  const parentPid = Number(process.env[PARENT_PID_ENV]) || process.ppid;
  const signalled = process.env[PDEATHSIG_ENV] !== undefined;
  delete process.env[PARENT_PID_ENV];
  delete process.env[PDEATHSIG_ENV];
  if (process.ppid !== parentPid) {
    process.kill(process.pid, 'SIGTERM'); // no listener yet: the default action ends the process
    return;
  }
  if (!signalled) return startWatchdog(parentPid);
  const onListener = (event: string | symbol) => {
    if (event !== 'SIGTERM') return;
    process.off('newListener', onListener);
    startWatchdog(parentPid);
  };
  process.on('newListener', onListener);
}

/** Starts the watchdog thread; it never keeps the child alive. */
export function startWatchdog(parentPid: number): void {
  // Loaded here: a child that never needs the thread never loads worker_threads.
  const { Worker } = process.getBuiltinModule('node:worker_threads');
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
