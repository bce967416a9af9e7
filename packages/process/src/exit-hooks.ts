/**
 * No orphans: children are ended when their parent ends.
 *
 * - On normal exit, `process.exit()` or an uncaught exception ('exit' event):
 *   every child still alive gets SIGTERM (SIGKILL if it was already asked to
 *   terminate). Non-daemon children normally keep the parent alive, so they are
 *   only still alive here if the parent was forced to exit.
 * - On SIGINT, SIGTERM or SIGHUP, when nothing else handles the signal: the
 *   same, then the signal is raised again so the parent ends as it would have
 *   (wire's cleanUpAtExit, which also removes this process's temporary directories).
 * - On SIGKILL of the parent nothing here can run: each child's watchdog
 *   (watchdog-worker.ts) notices within 100 ms and ends the child.
 *
 * @module
 */
import type { ChildProcess } from 'node:child_process';
import { cleanUpAtExit } from '@multiproc/wire';

const live = new Map<object, ChildProcess>();
let forget: (() => void) | undefined;

function endAll(): void {
  forget = undefined;
  for (const child of live.values()) {
    try {
      child.kill(child.signalCode === null && child.killed ? 'SIGKILL' : 'SIGTERM');
    } catch {
      // Already gone.
    }
  }
}

/** Starts watching `child`, which `owner` started. */
export function trackChild(owner: object, child: ChildProcess): void {
  live.set(owner, child);
  forget ??= cleanUpAtExit(endAll);
}

/** Stops watching the child of `owner` (it exited). The hook goes away with the last child. */
export function untrackChild(owner: object): void {
  live.delete(owner);
  if (live.size > 0 || !forget) return;
  forget();
  forget = undefined;
}
