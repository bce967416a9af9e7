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

/** The parent of this process if multiproc started it, else undefined (Python returns None). */
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

/** The children this process started that have not exited yet. */
export function activeChildren(): Process[] {
  return [...runtimeState().children];
}

/** The number of CPUs this process may use (`os.availableParallelism()`). */
export function cpuCount(): number {
  return availableParallelism();
}
