/**
 * No orphans: children are ended when their parent ends.
 *
 * - On normal exit, `process.exit()` or an uncaught exception ('exit' event):
 *   every child still alive gets SIGTERM (SIGKILL if it was already asked to
 *   terminate). Non-daemon children normally keep the parent alive, so they are
 *   only still alive here if the parent was forced to exit.
 * - On SIGINT, SIGTERM or SIGHUP, when nothing else handles the signal: the
 *   same, then the signal is raised again so the parent ends as it would have.
 * - On SIGKILL of the parent nothing here can run: each child's watchdog
 *   (watchdog-worker.ts) notices within 100 ms and ends the child.
 *
 * @module
 */
import type { ChildProcess } from 'node:child_process';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const live = new Map<object, ChildProcess>();
let installed = false;

function endAll(): void {
  for (const child of live.values()) {
    try {
      child.kill(child.signalCode === null && child.killed ? 'SIGKILL' : 'SIGTERM');
    } catch {
      // Already gone.
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  // Someone else handles this signal: they decide whether the process ends.
  if (process.listenerCount(signal) > 1) return;
  endAll();
  uninstall();
  process.kill(process.pid, signal);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', endAll);
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.off('exit', endAll);
  for (const signal of SIGNALS) process.off(signal, onSignal);
}

/** Starts watching `child`, which `owner` started. */
export function trackChild(owner: object, child: ChildProcess): void {
  live.set(owner, child);
  install();
}

/** Stops watching the child of `owner` (it exited). Handlers go away with the last child. */
export function untrackChild(owner: object): void {
  live.delete(owner);
  if (live.size === 0) uninstall();
}
