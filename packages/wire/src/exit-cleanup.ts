/**
 * Cleanup that must run however this process ends, short of SIGKILL: a socket
 * directory, a shared-memory ring, a pool's journals, the children to end.
 *
 * Node runs 'exit' handlers on a normal end, `process.exit()` and an uncaught
 * exception, but not when a signal kills the process. So while any cleanup is
 * registered, SIGINT, SIGTERM and SIGHUP are handled here too: when nothing
 * else listens for the signal (else that listener decides whether the process
 * ends, and its `process.exit()` runs the cleanups), every cleanup runs, the
 * handlers go, and the signal is raised again, so the process ends as Node
 * would have ended it (by the signal: a parent sees `signalCode`, a shell 130).
 *
 * The price of a handler: a process busy in a synchronous loop acts on the
 * signal only when the loop yields (Node handles signals on its event loop).
 * So the handlers are installed only while a cleanup is registered, and
 * `Process.terminate()` still follows SIGTERM with SIGKILL after its grace.
 *
 * One registry per process, on `globalThis`, shared by every copy of this
 * package (two copies each re-raising would defer to each other for ever).
 *
 * @module
 */

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

interface Registry {
  readonly cleanups: Set<() => void>;
  installed: boolean;
  readonly onExit: () => void;
  readonly onSignal: (signal: NodeJS.Signals) => void;
}

const KEY = Symbol.for('multiproc.wire.exit-cleanup');

function registry(): Registry {
  const holder = globalThis as unknown as Record<symbol, Registry | undefined>;
  if (holder[KEY]) return holder[KEY];
  const made: Registry = {
    cleanups: new Set(),
    installed: false,
    onExit: () => runAll(made),
    onSignal: (signal) => {
      // Someone else handles this signal: they decide whether the process ends.
      if (process.listenerCount(signal) > 1) return;
      runAll(made);
      uninstall(made);
      process.kill(process.pid, signal);
    },
  };
  holder[KEY] = made;
  return made;
}

/** Runs every cleanup once (each is forgotten before it runs); one that throws does not stop the others. */
function runAll(made: Registry): void {
  for (const cleanup of [...made.cleanups]) {
    made.cleanups.delete(cleanup);
    try {
      cleanup();
    } catch {
      // Best effort: the process is ending.
    }
  }
}

function install(made: Registry): void {
  if (made.installed) return;
  made.installed = true;
  process.on('exit', made.onExit);
  for (const signal of SIGNALS) process.on(signal, made.onSignal);
}

function uninstall(made: Registry): void {
  if (!made.installed) return;
  made.installed = false;
  process.off('exit', made.onExit);
  for (const signal of SIGNALS) process.off(signal, made.onSignal);
}

/**
 * Runs `cleanup` (synchronous, quick, not throwing on purpose) when this process exits, or is ended by SIGINT,
 * SIGTERM or SIGHUP (see the module comment).
 *
 * @returns a function that forgets `cleanup` (when what it would clean is gone already); the signal handlers go with
 *   the last one.
 */
export function cleanUpAtExit(cleanup: () => void): () => void {
  const made = registry();
  made.cleanups.add(cleanup);
  install(made);
  return () => {
    made.cleanups.delete(cleanup);
    if (made.cleanups.size === 0) uninstall(made);
  };
}
