/**
 * Child side: finds the function or class a {@link FunctionRef} describes —
 * by importing a module and taking an export, or by evaluating its source.
 *
 * @module
 */
import { importUserModule } from '@multiproc/wire';
import { TargetNotFoundError } from './errors.js';
import type { FunctionRef } from './protocol.js';
import { targetLabel } from './target-label.js';

/** Names a source-evaluated function may use besides globals. */
export type SourceScope = Record<string, unknown>;

// esbuild (tsx) wraps functions in `__name(fn, "name")` when it keeps names;
// a function sent by source must find that helper in the child too.
const nameHelper = (target: Function, value: string) => Object.defineProperty(target, 'name', { value, configurable: true });

/** A loaded target, and whether it was rebuilt from source (which changes how its errors are explained). */
export interface LoadedFunction {
  fn: Function;
  fromSource: boolean;
}

/**
 * Loads the function `ref` describes.
 *
 * @throws {TargetNotFoundError} `ERR_TARGET_NOT_FOUND` when no candidate exports it and it has no usable source.
 */
export async function loadFunction(ref: FunctionRef, scope: SourceScope): Promise<LoadedFunction> {
  const misses: string[] = [];
  for (const { module, exportName } of ref.candidates) {
    let namespace: Record<string, unknown>;
    try {
      namespace = await importUserModule(module, `it exports ${ref.name ? `'${ref.name}'` : 'a function'}, which multiproc runs here`);
    } catch (cause) {
      if ((cause as { code?: string }).code === 'ERR_PROCESS_BOOTSTRAP') throw cause;
      if (!ref.source) {
        throw new TargetNotFoundError(`could not import ${module} to find ${targetLabel(ref)}: ${(cause as Error).message}`, { cause });
      }
      misses.push(`${module} could not be imported (${(cause as Error).message})`);
      continue;
    }
    const found = namespace[exportName] ?? (namespace['default'] as Record<string, unknown> | undefined)?.[exportName];
    if (typeof found === 'function') return { fn: found, fromSource: false };
    misses.push(`${module} has no exported function '${exportName}'`);
  }
  if (ref.source) return { fn: evaluateSource(ref, scope, misses), fromSource: true };
  throw new TargetNotFoundError(`${targetLabel(ref)} was not found: ${misses.join('; ')}.`);
}

function evaluateSource(ref: FunctionRef, scope: SourceScope, misses: string[]): Function {
  const names = ['__name', ...Object.keys(scope)];
  const values = [nameHelper, ...Object.values(scope)];
  const where = misses.length ? ` (${misses.join('; ')})` : '';
  const attempts = [`(${ref.source})`, `({${ref.source}})[${JSON.stringify(ref.name)}]`];
  let lastError: unknown;
  for (const expression of attempts) {
    try {
      // Indirect eval, not vm: code run by vm cannot use import(), which self-contained targets may need.
      const label = `${ref.callerModule ?? 'target'} [source of ${ref.name || 'anonymous function'}]`;
      const code = `(function (${names.join(', ')}) { return ${expression}; })\n//# sourceURL=${label}`;
      const factory = (0, eval)(code) as (...args: unknown[]) => unknown;
      const fn = factory(...values);
      if (typeof fn === 'function') return fn;
    } catch (error) {
      lastError = error;
    }
  }
  throw new TargetNotFoundError(
    `${targetLabel(ref)} could not be rebuilt from its source${where}. ` +
      'Export it from its module (the child then imports it), or pass `module` to say where it is exported.',
    { cause: lastError },
  );
}

/**
 * Wraps an error a source-evaluated target threw because it used a name the
 * child does not have (an import or closure variable of the parent's module).
 */
export function explainSourceError(error: unknown, ref: FunctionRef, evaluatedFromSource: boolean): unknown {
  if (!evaluatedFromSource || !(error instanceof ReferenceError)) return error;
  const missing = /^(\S+) is not defined/.exec(error.message)?.[1] ?? 'a name';
  return new TargetNotFoundError(
    `${targetLabel(ref)} was sent to the child by its source, because ` +
      `${ref.callerModule ?? 'its module'} does not export it, and its source uses ${missing}, which the child does not have ` +
      '(an import or a variable of the parent module). Export the function from its module so the child imports it, ' +
      'or make it self-contained.',
    { cause: error },
  );
}
