/**
 * Warm spares (parent side): children started ahead of time and booted up to
 * where they wait for their boot message, so that the next `Process` — or pool
 * worker — started with the default spawn options takes one instead of booting
 * a Node. Its start then costs the boot message and the import of its target's
 * module: milliseconds. Python's forkserver, for Node.
 *
 * A spare:
 * - is started with this process's default spawn options as they are then
 *   (inherited `execArgv`, `process.env`, `process.cwd()`), and taken only by a
 *   start whose options are the same when it is taken ({@link spareFits}); one
 *   that no longer fits (the environment changed) is ended and replaced;
 * - is taken only once booted: it writes one byte on its channel
 *   (`SPARE_READY`) before the channel carries frames, and that byte is read
 *   here, so the channel is clean when a Process attaches to it;
 * - does not keep this process alive, is not one of `activeChildren()`, and
 *   never outlives this process: it is ended at exit and by `keepSpares(0)`,
 *   and, like every child, by the kernel's parent-death signal or its watchdog
 *   when this process is killed. One that dies on its own is replaced.
 *
 * Each spare's state (`booting` → `ready` → taken or ended) is one field,
 * changed only here.
 *
 * @module
 */
import { InvalidArgumentError, withDeadline, type BlockingOptions } from '@multiproc/wire';
import { SPARE_READY } from './child-env.js';
import { inheritedExecArgv } from './exec-argv.js';
import { setSpareSource, spawnChild, type Spawned, type SpawnOptions } from './spawn.js';

/** What a spare was started with, and what a start asks for: compared by {@link spareFits}. */
export interface SpareOptions {
  execArgv: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
}

type SpareState = 'booting' | 'ready' | 'gone';

interface Spare extends Spawned {
  state: SpareState;
  options: SpareOptions;
  /** Stops listening to the spare (its ready byte, its exit): done when it is taken or ended. */
  unwatch: () => void;
}

/** True when a start asking for `wanted` may take a spare started with `spare` (same flags, environment, directory). */
export function spareFits(spare: SpareOptions, wanted: SpareOptions): boolean {
  if (spare.cwd !== wanted.cwd || spare.execArgv.length !== wanted.execArgv.length) return false;
  if (spare.execArgv.some((arg, i) => arg !== wanted.execArgv[i])) return false;
  const keys = Object.keys(spare.env);
  if (keys.length !== Object.keys(wanted.env).length) return false;
  return keys.every((key) => spare.env[key] === wanted.env[key]);
}

/** The options a start with `options` runs its child with. */
const resolved = (options: SpawnOptions): SpareOptions => ({
  execArgv: options.execArgv ?? inheritedExecArgv(),
  env: options.env ?? process.env,
  cwd: options.cwd ?? process.cwd(),
});

let wanted = 0;
const spares: Spare[] = [];
const waiters: Array<() => void> = [];
let fillScheduled = false;

/**
 * Keeps `count` children booted ahead of time (warm spares): a `Process` or pool worker started with the default
 * spawn options (no `execArgv`, `env` or `cwd` of its own, or the same values) takes one, and its start then costs
 * milliseconds instead of a Node boot. A spare is replaced once taken. Spares use memory (an idle Node each) and
 * the CPU of their boot, and never outlive this process. `keepSpares(0)` ends them.
 *
 * @example
 * ```ts
 * keepSpares(2);                 // two children boot now, in the background
 * await sparesReady();           // (optional) wait until they have
 * new Process({ target: work }).start(); // takes one: the target runs within milliseconds
 * ```
 * @throws {InvalidArgumentError} `ERR_INVALID_ARGUMENT` when `count` is not a whole number ≥ 0.
 */
export function keepSpares(count: number): void {
  if (!Number.isInteger(count) || count < 0) {
    throw new InvalidArgumentError(`keepSpares(): count must be a whole number ≥ 0, got ${String(count)}. Write keepSpares(1).`);
  }
  setSpareSource(takeSpare);
  wanted = count;
  while (spares.length > wanted) end(spares.pop()!);
  fill();
}

/**
 * Resolves once every spare `keepSpares()` asked for has booted (at once when none was asked for).
 *
 * @throws {TimeoutError} `ERR_TIMEOUT` when `timeout` ms pass first.
 * @throws {AbortError} `ERR_ABORTED` when `signal` aborts.
 */
export function sparesReady(options?: BlockingOptions): Promise<void> {
  // Waiting spares keep nothing alive; a caller waiting for them must (as any pending call does), until they are up.
  const keepAlive = setInterval(() => {}, 1 << 30);
  const done = new Promise<void>((resolve) => {
    waiters.push(resolve);
    wakeWaiters();
  });
  return withDeadline('sparesReady()', options, done).finally(() => clearInterval(keepAlive));
}

/** A booted spare started with the options `options` resolves to, taken out of the list; undefined if none fits. */
function takeSpare(options: SpawnOptions): Spawned | undefined {
  if (spares.length === 0) return undefined;
  const asked = resolved(options);
  for (let i = 0; i < spares.length; i++) {
    const spare = spares[i]!;
    if (spare.state !== 'ready') continue;
    if (!spareFits(spare.options, asked)) {
      // Started before the environment (or directory) changed: it will not fit again.
      if (options.env === undefined && options.cwd === undefined && options.execArgv === undefined) {
        forget(spare, true);
        i--;
        scheduleFill();
      }
      continue;
    }
    spares.splice(i, 1);
    spare.unwatch();
    spare.state = 'gone';
    // Back as a freshly spawned child is: the Process decides what keeps this process alive.
    spare.child.ref();
    spare.socket.ref();
    scheduleFill();
    return { child: spare.child, socket: spare.socket };
  }
  return undefined;
}

/** Starts spares until there are as many as wanted. */
function fill(): void {
  installExitHook();
  while (spares.length < wanted) {
    let spare: Spare;
    try {
      spare = start();
    } catch {
      // The OS would not start one now (process limit, memory): starts without a spare work as before.
      break;
    }
    spares.push(spare);
  }
  wakeWaiters();
}

/** Fills later, off the path of the start that took a spare (spawning is synchronous). */
function scheduleFill(): void {
  if (fillScheduled) return;
  fillScheduled = true;
  setImmediate(() => {
    fillScheduled = false;
    fill();
  });
}

function start(): Spare {
  const now = resolved({});
  const options: SpareOptions = { execArgv: [...now.execArgv], env: { ...now.env }, cwd: now.cwd };
  const { child, socket } = spawnChild(options, true);
  // Waiting, a spare keeps nothing alive: not its process, its channel, nor Node's IPC pipe.
  child.unref();
  socket.unref();
  (child.channel as { unref?: () => void } | undefined)?.unref?.();
  const spare: Spare = { child, socket, state: 'booting', options, unwatch: () => {} };
  const onData = (chunk: Buffer) => {
    // Paused again, as a freshly spawned child's channel is: the Process's Channel resumes it.
    socket.pause();
    socket.off('data', onData);
    if (chunk[0] !== SPARE_READY) return forget(spare, true);
    if (chunk.length > 1) socket.unshift(chunk.subarray(1));
    spare.state = 'ready';
    wakeWaiters();
  };
  const onExit = () => {
    // Died on its own while waiting: replaced, unless it failed to boot (then every spare would: no loop).
    forget(spare, false);
    if (child.exitCode === 0 || child.signalCode !== null) scheduleFill();
  };
  const ignore = () => {};
  socket.on('data', onData);
  socket.on('error', ignore);
  child.on('exit', onExit);
  child.on('error', ignore);
  spare.unwatch = () => {
    socket.off('data', onData);
    socket.off('error', ignore);
    child.off('exit', onExit);
    child.off('error', ignore);
  };
  return spare;
}

/** Takes a spare out of the list (ending it if `kill`). */
function forget(spare: Spare, kill: boolean): void {
  const at = spares.indexOf(spare);
  if (at >= 0) spares.splice(at, 1);
  if (kill) end(spare);
  else spare.state = 'gone';
  wakeWaiters();
}

/** Ends a spare that will not be taken. */
function end(spare: Spare): void {
  if (spare.state === 'gone') return;
  spare.state = 'gone';
  spare.unwatch();
  spare.child.on('error', () => {});
  spare.socket.on('error', () => {});
  spare.socket.destroy();
  spare.child.kill('SIGKILL');
}

function endAll(): void {
  for (const spare of spares.splice(0)) end(spare);
}

let exitHook = false;

/** Spares end with this process, however it exits (if it is killed, the parent-death signal or watchdog ends them). */
function installExitHook(): void {
  if (exitHook) return;
  exitHook = true;
  process.on('exit', endAll);
}

/**
 * Resolves the waiters of sparesReady() once no spare is booting and none is about to be started (a spare the OS
 * would not start, or one that failed to boot, is not waited for: nothing hangs).
 */
function wakeWaiters(): void {
  if (waiters.length === 0 || fillScheduled || spares.some((spare) => spare.state === 'booting')) return;
  for (const wake of waiters.splice(0)) wake();
}
