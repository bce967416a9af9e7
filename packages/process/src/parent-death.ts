/**
 * Parent side: how a child learns that its parent died, decided at spawn.
 *
 * - `signal` (Linux): the child is started through util-linux's `setpriv
 *   --pdeathsig TERM`, which asks the kernel (`prctl(PR_SET_PDEATHSIG)`) to
 *   send it SIGTERM when the thread that forked it ends, and then execs Node.
 *   It costs one exec of a small binary (~1 ms) and no thread in the child.
 *   The "parent" is the forking *thread*: a child started from a worker thread
 *   would be signalled when that thread ends, so only the main thread uses it.
 * - `thread` (elsewhere): the child runs a watchdog thread that polls its
 *   parent pid (watchdog.ts).
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import { PARENT_DEATH_ENV } from './child-env.js';

/** How a child notices its parent's death. */
export type ParentDeathMode = 'signal' | 'thread';

/** util-linux's setpriv, where Debian, Ubuntu, Fedora, Arch and Alpine's util-linux put it. */
export const SETPRIV = '/usr/bin/setpriv';
/** The signal the kernel sends: SIGTERM, as the watchdog's first signal (a free child then runs its exit hooks). */
export const PDEATHSIG = 'TERM';

/** What decides the mode; a pure function of it (see {@link parentDeathMode}). */
export interface ParentDeathFacts {
  platform: NodeJS.Platform;
  isMainThread: boolean;
  /** The `MULTIPROC_PARENT_DEATH` setting. */
  requested: string | undefined;
  /** Whether `setpriv --pdeathsig` runs here (asked only when the rest allows the signal). */
  setprivWorks: () => boolean;
}

/** The mode for these facts: the signal on Linux, from the main thread, where setpriv works, unless `thread` is asked for. */
export function parentDeathMode(facts: ParentDeathFacts): ParentDeathMode {
  if (facts.requested === 'thread' || facts.platform !== 'linux' || !facts.isMainThread) return 'thread';
  return facts.setprivWorks() ? 'signal' : 'thread';
}

let setprivWorks: boolean | undefined;

/** Runs setpriv once (~1.5 ms, with `true`): it may be missing, too old for --pdeathsig, or refused by a sandbox. */
function probeSetpriv(): boolean {
  setprivWorks ??= spawnSync(SETPRIV, ['--pdeathsig', PDEATHSIG, '--', 'true'], { stdio: 'ignore', timeout: 5000 }).status === 0;
  return setprivWorks;
}

/** The mode for a child started now from this thread. */
export function currentParentDeathMode(): ParentDeathMode {
  // node:worker_threads is loaded here, not at import: a child that starts no process of its own never needs it.
  const { isMainThread } = process.getBuiltinModule('node:worker_threads');
  return parentDeathMode({ platform: process.platform, isMainThread, requested: process.env[PARENT_DEATH_ENV], setprivWorks: probeSetpriv });
}
