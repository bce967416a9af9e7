/**
 * Per-process state of @multiproc/process, kept on `globalThis` under a
 * registered symbol so that two copies of the package loaded in one process
 * (say, two versions in node_modules) still agree on it.
 *
 * @module
 */
import type { Process } from './process.js';

/** The state one process holds about itself and its children. */
export interface RuntimeState {
  /** This process, as a Process object (its name, identity, daemon flag). */
  current: Process | undefined;
  /** Name of the parent process, if this process was started by multiproc. */
  parentName: string | undefined;
  /** True while a child is importing its target's module (starting a process then is an error). */
  bootstrapping: boolean;
  /** Children started and not yet seen to exit. */
  children: Set<Process>;
  /** Counter for naming children: `Process-<identity>:<n>`. */
  childCounter: number;
  /** This process's position in the tree; [] for the main process. */
  identity: number[];
}

const KEY = Symbol.for('multiproc.process.runtime');

/** The state of this process (created on first use). */
export function runtimeState(): RuntimeState {
  const holder = globalThis as unknown as Record<symbol, RuntimeState | undefined>;
  let state = holder[KEY];
  if (!state) {
    state = { current: undefined, parentName: undefined, bootstrapping: false, children: new Set(), childCounter: 0, identity: [] };
    holder[KEY] = state;
  }
  return state;
}
