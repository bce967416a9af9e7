/**
 * The orphan watchdog, run in a worker thread of every child: when the parent
 * is gone (the child was re-parented), it ends the child — even while the
 * child's main thread is stuck in a CPU loop and cannot notice anything.
 * SIGTERM first (a free main thread then runs its exit hooks and ends its own
 * children), SIGKILL 400 ms later if that did not work. Total: under 1 s.
 *
 * This file has no exports: it is the worker's entry point.
 *
 * @module
 */
import { workerData } from 'node:worker_threads';

const { parentPid, pid, intervalMs, graceMs } = workerData as { parentPid: number; pid: number; intervalMs: number; graceMs: number };

const timer = setInterval(() => {
  if (process.ppid === parentPid) return;
  clearInterval(timer);
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // Already gone.
  }
  setTimeout(() => {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }, graceMs);
}, intervalMs);
