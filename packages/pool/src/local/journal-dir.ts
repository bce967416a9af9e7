/**
 * The private directory (0700) where a local engine's workers journal their results (see `Connection.keepJournal`):
 * made with the first worker, after sweeping the directories of dead pools, removed once no worker is left, and at
 * this process's exit if still there.
 *
 * In shared memory (/dev/shm) where there is one: a journal write to a disk's file system (ext4 here) cost a worker
 * about a quarter of its CPU in a burst of no-op tasks.
 *
 * @module
 */
import { join } from 'node:path';
import { cleanUpAtExit, privateSocketDir, sweepSocketDirs } from '@multiproc/wire';

// The CommonJS object: an ESM import of node:fs reads every export, loading fs/promises (~5 ms in a fresh process).
const { rmSync } = process.getBuiltinModule('node:fs');

/** Pools' private directories for their workers' result journals: `multiproc-journal-<pid>-XXXXXX`. */
const JOURNAL_DIR_PREFIX = 'multiproc-journal-';
/** How long a journal directory of a pool whose process is gone is left before another pool removes it. */
const SWEEP_AFTER_MS = 10 * 60_000;
/** Where those go: shared memory first, else the temporary directory (undefined: its default). */
const JOURNAL_BASES: Array<string | undefined> = ['/dev/shm', undefined];

/** Journal directories of this process's pools, removed at exit (or on SIGINT/SIGTERM/SIGHUP) if still there. */
const journalDirs = new Set<string>();
let exitHooked = false;

function removeDir(dir: string): void {
  journalDirs.delete(dir);
  rmSync(dir, { recursive: true, force: true });
}

function track(dir: string): void {
  journalDirs.add(dir);
  if (exitHooked) return;
  exitHooked = true;
  cleanUpAtExit(() => {
    for (const left of journalDirs) removeDir(left);
  });
}

/** See the module comment. */
export class JournalDir {
  #dir: string | undefined;

  /** Where worker `n` journals its results; undefined when no directory could be made (workers then write each result before the next task). */
  pathFor(n: number): string | undefined {
    if (this.#dir === undefined) {
      for (const base of JOURNAL_BASES) {
        try {
          // (Only directories left for 10 minutes: a /dev/shm shared with another PID namespace may hold a live pool's.)
          sweepSocketDirs(JOURNAL_DIR_PREFIX, base, SWEEP_AFTER_MS);
          this.#dir = privateSocketDir(JOURNAL_DIR_PREFIX, base);
          track(this.#dir);
          break;
        } catch {
          // Not there, or not writable: the next.
        }
      }
      if (this.#dir === undefined) return undefined;
    }
    return join(this.#dir, `worker-${n}`);
  }

  /** Removes one worker's journal. */
  removeJournal(path: string | undefined): void {
    if (path !== undefined) rmSync(path, { force: true });
  }

  /** Removes the directory (a later worker makes a new one). */
  remove(): void {
    if (this.#dir === undefined) return;
    removeDir(this.#dir);
    this.#dir = undefined;
  }
}
