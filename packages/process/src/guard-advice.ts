/**
 * The main-module guard to advise, in the user's own module system: an ES
 * module is told `isMainModule(import.meta)`, a CommonJS one
 * `require.main === module`, which has no `import.meta`.
 *
 * @module
 */
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The CommonJS object: an ESM import of node:fs reads every export, loading fs/promises (~5 ms in a fresh child).
const { readFileSync } = process.getBuiltinModule('node:fs');

/** `'commonjs'` or `'module'`: how Node (or tsx) loads the file at `url`, as far as its name, package and text tell. */
export function moduleSystem(url: string): 'commonjs' | 'module' {
  let path: string;
  try {
    path = fileURLToPath(url);
  } catch {
    return 'module';
  }
  const ext = extname(path);
  if (ext === '.cjs' || ext === '.cts') return 'commonjs';
  if (ext === '.mjs' || ext === '.mts') return 'module';
  if (packageType(dirname(path)) === 'module') return 'module';
  // No "type": "module": Node (≥ 20.19) and tsx still load a file written with import/export as an ES module.
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return 'module';
  }
  return /\bimport\.meta\b|^\s*(?:import\s*[\w{*'"]|export\s)/m.test(text) ? 'module' : 'commonjs';
}

function packageType(dir: string): string | undefined {
  for (let at = dir; ; at = dirname(at)) {
    try {
      return (JSON.parse(readFileSync(join(at, 'package.json'), 'utf8')) as { type?: string }).type ?? 'commonjs';
    } catch {
      // no package.json here (or not JSON): look further up
    }
    if (dirname(at) === at) return undefined;
  }
}

/** The sentence of `ERR_PROCESS_BOOTSTRAP` that says how to guard, for the module at `url` (ESM when unknown). */
export function guardAdvice(url: string | undefined): string {
  if (url !== undefined && moduleSystem(url) === 'commonjs') {
    return (
      'Guard the code that starts processes: `if (require.main === module) { … }` ' +
      "(or `if (isMainModule(module))`, with isMainModule from '@multiproc/process')."
    );
  }
  return "Guard the code that starts processes: `if (isMainModule(import.meta)) { … }` (import isMainModule from '@multiproc/process').";
}
