/**
 * How errors name a target: `target 'work'` for a named function, and for an
 * inline one (`target: (x) => x * factor`) its source, since the name V8 gives
 * it is the option's, `target`, which tells the reader nothing.
 *
 * @module
 */
import type { FunctionRef } from './protocol.js';

const SNIPPET_CHARS = 60;

/** Whether `source` defines a function that is really called `name` (rather than named after the option it was given in). */
function ownName(name: string, source: string): boolean {
  const n = name.replace(/[$]/g, '\\$');
  return new RegExp(`^(?:async\\s+)?(?:function\\s*\\*?\\s*${n}\\b|class\\s+${n}\\b|\\*?\\s*${n}\\s*\\()`).test(source.trimStart());
}

/**
 * `target 'work'`, or for an inline function `the inline arrow function given as target, \`(x) => x * factor\``.
 *
 * @param ref - the target's description (its name and source are used).
 */
export function targetLabel(ref: Pick<FunctionRef, 'name' | 'source'>): string {
  const { name, source } = ref;
  if (name && (source === undefined || name !== 'target' || ownName(name, source))) return `target '${name}'`;
  if (source === undefined) return 'the anonymous target';
  const flat = source.replace(/\s+/g, ' ').trim();
  const snippet = flat.length > SNIPPET_CHARS ? `${flat.slice(0, SNIPPET_CHARS - 1)}…` : flat;
  const kind = /^(?:async\s+)?function\b/.test(flat) ? 'function' : /^class\b/.test(flat) ? 'class' : 'arrow function';
  return `the inline ${kind} given as target, \`${snippet}\`,`;
}
