/**
 * Child side: on Node 22, the TypeScript a child imports is stripped once per
 * machine, not once per child.
 *
 * Node ≥ 22.18 runs `.ts` modules by stripping their types (amaro, swc as
 * WebAssembly). Node 23 and later keep the stripped code in the module compile
 * cache that every child turns on (child-main.ts); Node 22's cache keeps the
 * compiled JavaScript but strips again in every process, and loading amaro
 * costs each child that imports a `.ts` module about 60 ms of CPU and 15 MiB.
 * So on Node 22 a load hook (`module.registerHooks`, in this thread) keeps the
 * stripped source of ES modules in the compile cache's directory, named by the
 * hash of the TypeScript source, and hands a hit to Node as JavaScript. The
 * stripping leaves every line and column where it was (types become spaces),
 * so stack traces are the same. What is read there runs as code, so the
 * directory must be this user's and closed to everyone else (else no cache).
 *
 * @module
 */
import module from 'node:module';

/** What this needs of `node:module` (Node ≥ 22.15), and of Node (types stripped by Node itself). */
interface StripApi {
  registerHooks: (hooks: {
    load: (url: string, context: object, next: (url: string, context: object) => LoadResult) => LoadResult;
  }) => unknown;
  stripTypeScriptTypes: (source: string) => string;
  getCompileCacheDir: () => string | undefined;
}

interface LoadResult {
  format?: string | null | undefined;
  source?: string | ArrayBuffer | ArrayBufferView | null | undefined;
  shortCircuit?: boolean;
}

/** Where the stripped sources go, under the compile cache's directory. */
const SUBDIRECTORY = 'multiproc-stripped-ts';

/** True where this is needed and can work: Node 22 stripping types itself, with the compile cache on. */
export function needsStripCache(version: string, api: Partial<StripApi>, typescript: unknown): boolean {
  const major = Number(/^v?(\d+)/.exec(version)?.[1]);
  return major === 22 && Boolean(typescript) && typeof api.registerHooks === 'function' && typeof api.stripTypeScriptTypes === 'function' && api.getCompileCacheDir?.() !== undefined;
}

/** Installs the hook where {@link needsStripCache}; elsewhere does nothing. */
export function cacheStrippedTypeScript(): void {
  const api = module as unknown as Partial<StripApi>;
  if (!needsStripCache(process.version, api, (process.features as { typescript?: unknown }).typescript)) return;
  const { registerHooks, stripTypeScriptTypes, getCompileCacheDir } = api as StripApi;
  const fs = process.getBuiltinModule('node:fs');
  const { hash } = process.getBuiltinModule('node:crypto') as unknown as { hash: (algorithm: string, data: string) => string };
  const dir = `${getCompileCacheDir()}/${SUBDIRECTORY}`;
  // What is read from here runs as code: only from a directory of this user's that no one else can write.
  if (!privateDirectory(fs, dir)) return;
  registerHooks({
    load(url, context, next) {
      const loaded = next(url, context);
      if (loaded.format !== 'module-typescript' || loaded.source == null) return loaded;
      const typescript = typeof loaded.source === 'string' ? loaded.source : Buffer.from(loaded.source as ArrayBuffer).toString('utf8');
      const path = `${dir}/${hash('sha256', typescript)}.js`;
      let javascript: string;
      try {
        javascript = fs.readFileSync(path, 'utf8');
      } catch {
        // Node 22 warns that stripTypeScriptTypes is experimental (the very code Node runs on every .ts import): not the user's concern.
        const emitWarning = process.emitWarning;
        process.emitWarning = () => {};
        try {
          javascript = stripTypeScriptTypes(typescript);
        } catch {
          return loaded; // syntax that cannot be stripped: Node reports it as it would have
        } finally {
          process.emitWarning = emitWarning;
        }
        try {
          // Written aside, then renamed: a child reading it meanwhile sees all of it or none.
          const temporary = `${path}.${process.pid}`;
          fs.writeFileSync(temporary, javascript, { mode: 0o600 });
          fs.renameSync(temporary, path);
        } catch {
          // A cache that cannot be written costs the next child a strip, nothing else.
        }
      }
      return { format: 'module', source: javascript, shortCircuit: true };
    },
  });
}

/** Makes `dir` (mode 0700) if it is missing; true when it is a directory owned by this user that no one else can write. */
function privateDirectory(fs: typeof import('node:fs'), dir: string): boolean {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = fs.lstatSync(dir);
    return stat.isDirectory() && stat.uid === process.getuid?.() && (stat.mode & 0o022) === 0;
  } catch {
    return false;
  }
}
