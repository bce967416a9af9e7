/**
 * Where a class can be found again in another process: the module that
 * defines it and the name it is exported under — what Python's pickle reads
 * from `__module__` and `__qualname__`.
 *
 * A JavaScript class does not know its module, but V8 does: the inspector
 * reports a function's script (`[[FunctionLocation]]`) and each script's URL
 * (loaded-scripts.ts). Asked once per class. The
 * export name comes from the module itself: `require.cache` for a CommonJS
 * module (exact), the module's source text for an ES module (module-scan.ts).
 *
 * @module
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { definingScript } from './loaded-scripts.js';
import { exportedName } from './module-scan.js';

/** A class found: import `module` and take `exportName`. */
export interface ClassLocation {
  module: string;
  exportName: string;
}

/** A class that cannot be found again elsewhere, and why (a sentence for an error message). */
export interface ClassNotFound {
  module: undefined;
  why: string;
}

const located = new WeakMap<Function, ClassLocation | ClassNotFound>();
/** The other way round, for a process that decodes instances of a class it has located itself. */
const byReference = new Map<string, Function>();

/** The key {@link locatedClass} takes. */
export function referenceKey(module: string, exportName: string): string {
  return `${exportName} ${module}`;
}

/**
 * Where `Class` is exported, or why it cannot be found; cached per class. The first call in a
 * process costs about 30 ms (the inspector starts), later ones about 4 ms (one per class).
 */
export function locateClass(Class: Function): ClassLocation | ClassNotFound {
  let found = located.get(Class);
  if (!found) {
    found = find(Class);
    located.set(Class, found);
    if (found.module !== undefined) byReference.set(referenceKey(found.module, found.exportName), Class);
  }
  return found;
}

/** A class this process located (so it holds it already), by its module and export name. */
export function locatedClass(key: string): Function | undefined {
  return byReference.get(key);
}

function find(Class: Function): ClassLocation | ClassNotFound {
  const name = Class.name;
  const module = definingScript(Class);
  if (module === undefined) {
    return { module: undefined, why: 'this Node has no inspector to tell which module defines it (built without it)' };
  }
  if (!module.startsWith('file:')) {
    return {
      module: undefined,
      why: module.startsWith('node:') ? `it is Node's own (${module}), not a class of a module on disk` : `it is not defined in a module file${module ? ` (${module})` : ''}`,
    };
  }
  // An anonymous `export default class {}` is named 'default' by the language.
  const exportName = exportOf(module, Class) ?? (name === 'default' ? 'default' : name ? exportedName(module, name) : undefined);
  if (exportName === undefined) return { module: undefined, why: `${module} does not export it` };
  return { module, exportName };
}

/** A CommonJS module's export of `Class`, read from the module itself. */
function exportOf(module: string, Class: Function): string | undefined {
  let exports: unknown;
  try {
    exports = createRequire(module).cache[fileURLToPath(module)]?.exports;
  } catch {
    return undefined;
  }
  if (exports === Class) return 'default';
  if ((typeof exports !== 'object' && typeof exports !== 'function') || exports === null) return undefined;
  for (const key of Object.keys(exports)) {
    if ((exports as Record<string, unknown>)[key] === Class) return key;
  }
  return undefined;
}
