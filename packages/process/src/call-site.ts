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

/** The file URL of the first stack frame outside @multiproc/process, or undefined. */
export function callerModule(): string | undefined {
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
    if (ownDirs.includes(dirname(path))) continue;
    return url;
  }
  return undefined;
}
