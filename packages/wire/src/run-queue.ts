/**
 * How many threads of the whole machine are running or waiting for a CPU right
 * now, from Linux's /proc/loadavg (its fourth field, "running/total"): the
 * signal busy polling uses to tell a spare core from a busy one (see
 * busy-poll.ts). Read through one descriptor kept open (`pread` at offset 0:
 * ~1 µs here, against ~8 µs to open and read the file each time).
 *
 * @module
 */
// As the CommonJS object: an ESM import of a builtin reads all its exports, and node:fs's lazy ones (fs/promises,
// readline through it) cost every process that loads this ~5 ms at boot.
const { openSync, readSync } = process.getBuiltinModule('node:fs');

const LOADAVG = '/proc/loadavg';

/**
 * A reader of the number of threads running or runnable now (the reader's own included), or undefined
 * where /proc/loadavg cannot be read (not Linux). The file is opened on the first read, so a process
 * that never asks (most never poll) holds no descriptor for it and spends nothing at start.
 */
export function runQueueReader(): () => number | undefined {
  let fd: number | undefined;
  let unavailable = false;
  const buffer = Buffer.alloc(128);
  return () => {
    if (unavailable) return undefined;
    try {
      fd ??= openSync(LOADAVG, 'r');
      const length = readSync(fd, buffer, 0, buffer.length, 0);
      // "0.86 0.71 0.92 3/180 3613": the fourth field's first number.
      const text = buffer.toString('latin1', 0, length);
      const slash = text.indexOf('/');
      const space = text.lastIndexOf(' ', slash);
      const running = Number(text.slice(space + 1, slash));
      return Number.isInteger(running) ? running : undefined;
    } catch {
      unavailable = fd === undefined;
      return undefined;
    }
  };
}
