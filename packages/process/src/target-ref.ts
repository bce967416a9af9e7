/**
 * Parent side: describes a target function or Process subclass so that the
 * child can find it again (see protocol.ts `FunctionRef`).
 *
 * Order of preference: an explicit `module`; the call-site module, if it
 * exports the function; the modules the call site imports it from; the
 * function's source (self-contained functions only).
 *
 * @module
 */
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { exportedName, importedFrom, InvalidArgumentError, type ExportCandidate } from '@multiproc/wire';
import type { FunctionRef } from './protocol.js';

/** Where a target is exported: a URL string, a `URL`, an absolute path, or `import.meta`. */
export type ModuleLocation = string | URL | { url: string };

/** Turns a {@link ModuleLocation} into a URL string. */
export function moduleUrl(location: ModuleLocation, call: string): string {
  if (location instanceof URL) return location.href;
  if (typeof location === 'object' && location !== null && typeof location.url === 'string') return location.url;
  if (typeof location === 'string') {
    if (/^[a-z][a-z0-9+.-]*:/i.test(location) && !isAbsolute(location)) return location;
    if (isAbsolute(location)) return pathToFileURL(location).href;
  }
  throw new InvalidArgumentError(
    `${call}: module must be import.meta, a URL, or an absolute path, got ${String(location)}. ` +
      "Relative paths are ambiguous here; write new URL('./tasks.js', import.meta.url).",
  );
}

/** Options that say where a function is exported. */
export interface LocateOptions {
  /** The module that exports the function. */
  module?: ModuleLocation | undefined;
  /** The export's name, when it differs from the function's name. */
  exportName?: string | undefined;
}

/**
 * Describes `fn` (a function or class, or the name of an export of `options.module`)
 * for a child to find.
 *
 * @param caller - the call-site module's URL (see call-site.ts).
 * @throws {InvalidArgumentError} `ERR_INVALID_ARGUMENT` for a name with no module, or a native function.
 */
export function describeFunction(fn: Function | string, options: LocateOptions, caller: string | undefined, call: string): FunctionRef {
  if (typeof fn === 'string') {
    if (options.module === undefined) {
      throw new InvalidArgumentError(`${call}: target '${fn}' is a name, so module must say which module exports it.`);
    }
    return { name: fn, candidates: [{ module: moduleUrl(options.module, call), exportName: fn }], source: undefined, callerModule: caller };
  }
  const name = fn.name;
  const source = Function.prototype.toString.call(fn);
  if (/\{\s*\[native code\]\s*\}\s*$/.test(source) && options.module === undefined) {
    throw new InvalidArgumentError(
      `${call}: target ${name || '(anonymous)'} is a native or bound function, which cannot be sent to a child. ` +
        'Pass a function defined in your own module.',
    );
  }
  const candidates: ExportCandidate[] = [];
  if (options.module !== undefined) {
    candidates.push({ module: moduleUrl(options.module, call), exportName: options.exportName ?? name });
  } else if (caller && name) {
    const exported = exportedName(caller, name);
    if (exported) candidates.push({ module: caller, exportName: exported });
    else candidates.push(...importedFrom(caller, name));
  }
  return { name, candidates, source, callerModule: caller };
}
