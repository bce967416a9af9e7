/**
 * Finds the module a call came from, from the stack, skipping this package's
 * own frames and Node's internals.
 *
 * @module
 */
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// Our own frames: dist/ when run as built, src/ when a source-map-aware loader (tsx) maps them back.
const packageRoot = dirname(dirname(fileURLToPath(import.meta.url)));
const ownDirs = [join(packageRoot, 'dist'), join(packageRoot, 'src')];
const FRAME = /\(?((?:file:\/\/|\/)[^\s()]+?):\d+:\d+\)?$/;

/**
 * The file URL of the first stack frame outside @multiproc/process (and outside
 * `skipDirs`: a library calling on its users' behalf passes its own directories), or undefined.
 */
export function callerModule(skipDirs: readonly string[] = []): string | undefined {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 30;
  Error.captureStackTrace(holder, callerModule);
  Error.stackTraceLimit = limit;
  for (const line of (holder.stack ?? '').split('\n').slice(1)) {
    const match = FRAME.exec(line.trim());
    if (!match) continue;
    const location = match[1]!;
    const url = location.startsWith('file://') ? location : pathToFileURL(location).href;
    const path = fileURLToPath(url);
    const dir = dirname(path);
    if (ownDirs.includes(dir) || skipDirs.some((skip) => dir === skip || dir.startsWith(`${skip}/`))) continue;
    return url;
  }
  return undefined;
}
