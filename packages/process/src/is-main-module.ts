/**
 * The main-module guard, Node's `if __name__ == '__main__':`.
 *
 * @module
 */
import { fileURLToPath } from 'node:url';

// As the CommonJS object: an ESM import of a builtin reads all its exports, and node:fs's lazy ones (fs/promises,
// readline through it) cost every process that loads this ~5 ms at boot.
const { realpathSync } = process.getBuiltinModule('node:fs');

function realpath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/**
 * True when the module that passes its `import.meta` (or, in CommonJS, its
 * `module`) is the program's entry point. A child imports its target's module
 * to find the target, which runs the module's top-level code again; code that
 * starts processes must therefore sit behind this guard, as in Python.
 *
 * @example
 * ```ts
 * if (isMainModule(import.meta)) {
 *   new Process({ target: work }).start();
 * }
 * ```
 */
export function isMainModule(meta: { url?: string; main?: boolean; filename?: string }): boolean {
  if (typeof meta.main === 'boolean') return meta.main;
  const entry = process.argv[1];
  if (!entry) return false;
  const file = meta.url ? fileURLToPath(meta.url) : meta.filename;
  if (!file) return false;
  const self = realpath(file);
  for (const candidate of [entry, `${entry}.js`, `${entry}.mjs`, `${entry}.cjs`, `${entry}.ts`]) {
    const resolved = realpath(candidate);
    if (resolved && resolved === self) return true;
  }
  return false;
}
