/**
 * Starts the child Node process and opens its private channel.
 *
 * stdio layout: 0 = /dev/null (as in Python), 1–2 inherited, 3 = Node's IPC
 * channel (kept for passing socket handles with sendHandle), 4 = our framed
 * msgpack channel (a Unix socketpair: faster than the IPC channel in either
 * serialization mode, see docs/design-notes.md).
 *
 * On Linux the child is started through `setpriv --pdeathsig TERM` so that
 * the kernel ends it when this process dies (parent-death.ts); elsewhere it
 * runs a watchdog thread.
 *
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { CHANNEL_FD, PARENT_PID_ENV, PDEATHSIG_ENV, SPARE_ENV } from './child-env.js';
import { ProcessStartError } from './errors.js';
import { inheritedExecArgv } from './exec-argv.js';
import { currentParentDeathMode, PDEATHSIG, SETPRIV } from './parent-death.js';

export { CHANNEL_FD };

const CHILD_MAIN = fileURLToPath(new URL('./child-main.js', import.meta.url));

/** How to start the child's Node process. */
export interface SpawnOptions {
  /**
   * Node flags for the child. @default this process's (`process.execArgv`, so `--import tsx` carries over to
   * children), less those of its own entry point: `-e`/`-p` and their code, `--input-type`, `-i` (see `inheritedExecArgv`)
   */
  execArgv?: string[] | undefined;
  /** The child's environment. @default process.env */
  env?: NodeJS.ProcessEnv | undefined;
  /** The child's working directory. @default process.cwd() */
  cwd?: string | undefined;
}

/** A started child and its end of the channel. */
export interface Spawned {
  child: ChildProcess;
  socket: Socket;
}

/** Where booted children come from before a new one is spawned (spares.ts sets it). */
let spareSource: ((options: SpawnOptions) => Spawned | undefined) | undefined;

/** @internal Lets spares.ts hand out a booted child for a start with these options (undefined: none fits). */
export function setSpareSource(source: (options: SpawnOptions) => Spawned | undefined): void {
  spareSource = source;
}

/**
 * Starts a child running child-main.js, or hands out a spare that fits (see `keepSpares`).
 *
 * @throws {ProcessStartError} `ERR_PROCESS_START` when the OS refuses to start it.
 */
export function forkChild(options: SpawnOptions): Spawned {
  return spareSource?.(options) ?? spawnChild(options);
}

/**
 * @internal Spawns a new child running child-main.js; `spare`: one that waits as a spare (spares.ts).
 *
 * @throws {ProcessStartError} `ERR_PROCESS_START` when the OS refuses to start it.
 */
export function spawnChild(options: SpawnOptions, spare = false): Spawned {
  const node = [...(options.execArgv ?? inheritedExecArgv()), CHILD_MAIN];
  const env: NodeJS.ProcessEnv = { ...(options.env ?? process.env), [PARENT_PID_ENV]: String(process.pid) };
  if (spare) env[SPARE_ENV] = '1';
  else delete env[SPARE_ENV];
  let command = process.execPath;
  let args = node;
  if (currentParentDeathMode() === 'signal') {
    command = SETPRIV;
    args = ['--pdeathsig', PDEATHSIG, '--', process.execPath, ...node];
    env[PDEATHSIG_ENV] = PDEATHSIG;
  } else {
    delete env[PDEATHSIG_ENV];
  }
  let child: ChildProcess;
  try {
    // What fork() does (an IPC channel on fd 3), with setpriv in front when it is used.
    child = spawn(command, args, {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc', 'pipe'],
      serialization: 'json',
      env,
      cwd: options.cwd,
    });
  } catch (cause) {
    throw new ProcessStartError(`Process.start(): could not fork a Node process: ${(cause as Error).message}`, { cause });
  }
  const socket = child.stdio[CHANNEL_FD] as Socket | null;
  if (child.pid === undefined || !socket) {
    child.on('error', () => {});
    throw new ProcessStartError(
      `Process.start(): the OS did not start a child (${process.execPath}); check the process limit (ulimit -u) and free memory.`,
    );
  }
  return { child, socket };
}
