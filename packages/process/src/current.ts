/**
 * Python's `current_process()`, `parent_process()`, `active_children()` and `cpu_count()`.
 *
 * @module
 */
import { availableParallelism } from 'node:os';
import { currentProcessObject, Process } from './process.js';
import { runtimeState } from './runtime-state.js';

/**
 * The Process object of the process this code runs in: in a child, the very
 * object (of the subclass, with its fields) that the parent started; in the
 * main process, one named `MainProcess`.
 *
 * @example
 * ```ts
 * export function work() { console.log(`${currentProcess().name} (${process.pid}) at work`); }
 * ```
 */
export function currentProcess(): Process {
  const state = runtimeState();
  state.current ??= currentProcessObject(Process, { name: 'MainProcess', identity: [] });
  return state.current;
}

/** What a child knows about its parent. */
export interface ParentProcess {
  /** The parent's pid. */
  readonly pid: number;
  /** The parent's name (`MainProcess` for the main process). */
  readonly name: string;
  /** True while the parent is alive. */
  isAlive(): boolean;
}

/**
 * The parent of this process if multiproc started it, else undefined (Python returns None).
 *
 * @example
 * ```ts
 * const parent = parentProcess();
 * if (parent?.isAlive()) console.log(`started by ${parent.name} (${parent.pid})`);
 * ```
 */
export function parentProcess(): ParentProcess | undefined {
  const state = runtimeState();
  if (state.parentName === undefined) return undefined;
  const pid = process.ppid;
  const name = state.parentName;
  return {
    pid,
    name,
    isAlive: () => process.ppid === pid,
  };
}

/**
 * The children this process started that have not exited yet.
 *
 * @example
 * ```ts
 * for (const child of activeChildren()) child.terminate();
 * ```
 */
export function activeChildren(): Process[] {
  return [...runtimeState().children];
}

/**
 * The number of CPUs this process may use (`os.availableParallelism()`): the default size of a Pool.
 *
 * @example
 * ```ts
 * const workers = Math.max(1, cpuCount() - 1);
 * ```
 */
export function cpuCount(): number {
  return availableParallelism();
}
