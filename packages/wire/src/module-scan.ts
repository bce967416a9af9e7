/**
 * Reads a module's source text to tell how a function or class can be found
 * again in another process: does the module export it (under which name), or
 * import it (from where)? A light, text-level look — no module is evaluated.
 * Used for a Process target (when it guesses wrong the child falls back to the
 * function's source, and when that fails too the error says to pass `module`)
 * and for a class whose instances cross by reference (class-ref.ts).
 *
 * @module
 */
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

// As the CommonJS object: an ESM import of a builtin reads all its exports, and node:fs's lazy ones (fs/promises,
// readline through it) cost every process that loads this ~5 ms at boot.
const { readFileSync } = process.getBuiltinModule('node:fs');

/** @internal A place to import a function or class from. */
export interface ExportCandidate {
  module: string;
  exportName: string;
}

const sources = new Map<string, string | undefined>();

function sourceOf(moduleUrl: string): string | undefined {
  if (!sources.has(moduleUrl)) {
    let text: string | undefined;
    try {
      text = readFileSync(fileURLToPath(moduleUrl), 'utf8');
    } catch {
      text = undefined;
    }
    sources.set(moduleUrl, text);
  }
  return sources.get(moduleUrl);
}

const escape = (name: string) => name.replace(/[$]/g, '\\$');

/** `a`, `a as b`, `type a` entries of an `{ … }` import or export list. */
function listEntries(list: string): Array<{ local: string; external: string }> {
  return list
    .split(',')
    .map((entry) => entry.trim().replace(/^type\s+/, ''))
    .filter(Boolean)
    .map((entry) => {
      const [left, right] = entry.split(/\s+as\s+/);
      return { local: left!.trim(), external: (right ?? left)!.trim() };
    });
}

/** @internal The name under which `moduleUrl` exports its local binding `name`, if it visibly does. */
export function exportedName(moduleUrl: string, name: string): string | undefined {
  const text = sourceOf(moduleUrl);
  if (!text || !name) return undefined;
  const n = escape(name);
  const direct = new RegExp(
    `export\\s+(?:declare\\s+)?(?:default\\s+)?(?:abstract\\s+)?(?:async\\s+)?(?:function\\s*\\*?|class|const|let|var)\\s*${n}\\b`,
  );
  const match = direct.exec(text);
  if (match) return /export\s+default/.test(match[0]) ? 'default' : name;
  // `export const P = class Point {…}` (or a named function expression): exported under the constant's name.
  const bound = new RegExp(`export\\s+(?:const|let|var)\\s+([\\w$]+)\\s*=\\s*(?:async\\s+)?(?:class|function\\s*\\*?)\\s*${n}\\b`).exec(text);
  if (bound) return bound[1];
  for (const list of text.matchAll(/export\s*\{([^}]*)\}(?!\s*from)/g)) {
    const entry = listEntries(list[1]!).find((e) => e.local === name);
    if (entry) return entry.external;
  }
  if (new RegExp(`export\\s+default\\s+${n}\\s*;?\\s*$`, 'm').test(text)) return 'default';
  if (new RegExp(`(?:module\\.)?exports\\.${n}\\s*=`).test(text)) return name;
  const cjs = /module\.exports\s*=\s*\{([^}]*)\}/.exec(text);
  if (cjs && new RegExp(`(?:^|[\\s,{])${n}(?:\\s*[:,}]|\\s*$)`).test(cjs[1]!)) return name;
  return undefined;
}

/** @internal Modules that `moduleUrl` imports `name` from, resolved to URLs, with the export to take. */
export function importedFrom(moduleUrl: string, name: string): ExportCandidate[] {
  const text = sourceOf(moduleUrl);
  if (!text || !name) return [];
  const found: ExportCandidate[] = [];
  const add = (specifier: string, exportName: string) => {
    const module = resolveSpecifier(specifier, moduleUrl);
    if (module) found.push({ module, exportName });
  };
  for (const m of text.matchAll(/import\s+(?:type\s+)?(?:([\w$]+)\s*,\s*)?\{([^}]*)\}\s*from\s*['"]([^'"]+)['"]/g)) {
    if (m[1] === name) add(m[3]!, 'default');
    const entry = listEntries(m[2]!).find((e) => e.external === name);
    if (entry) add(m[3]!, entry.local);
  }
  const n = escape(name);
  for (const m of text.matchAll(new RegExp(`import\\s+${n}\\s*(?:,[^'"]*)?from\\s*['"]([^'"]+)['"]`, 'g'))) {
    add(m[1]!, 'default');
  }
  // `import * as ns from 'x'`: the function may be `ns.name`.
  for (const m of text.matchAll(/import\s+\*\s+as\s+[\w$]+\s+from\s*['"]([^'"]+)['"]/g)) add(m[1]!, name);
  const cjs = new RegExp(`(?:const|let|var)\\s*\\{([^}]*)\\}\\s*=\\s*require\\(\\s*['"]([^'"]+)['"]\\s*\\)`, 'g');
  for (const m of text.matchAll(cjs)) {
    const entry = m[1]!.split(',').map((s) => s.split(':').map((x) => x.trim())).find((parts) => (parts[1] ?? parts[0]) === name);
    if (entry) add(m[2]!, entry[0]!);
  }
  return found;
}

function resolveSpecifier(specifier: string, fromUrl: string): string | undefined {
  if (specifier.startsWith('node:')) return undefined;
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('file:')) {
    return new URL(specifier, fromUrl).href;
  }
  try {
    return pathToFileURL(createRequire(fromUrl).resolve(specifier)).href;
  } catch {
    return undefined;
  }
}
