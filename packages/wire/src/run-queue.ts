/**
 * How many threads of the whole machine are running or waiting for a CPU right
 * now, from Linux's /proc/loadavg (its fourth field, "running/total"): the
 * signal busy polling uses to tell a spare core from a busy one (see
 * busy-poll.ts). Read through one descriptor kept open (`pread` at offset 0:
 * ~1 µs here, against ~8 µs to open and read the file each time).
 *
 * @module
 */
import { openSync, readSync } from 'node:fs';

const LOADAVG = '/proc/loadavg';

/**
 * A reader of the number of threads running or runnable now (the reader's own included), or a
 * function that always answers undefined where /proc/loadavg cannot be read (not Linux).
 */
export function runQueueReader(): () => number | undefined {
  let fd: number;
  try {
    fd = openSync(LOADAVG, 'r');
  } catch {
    return () => undefined;
  }
  const buffer = Buffer.alloc(128);
  return () => {
    try {
      const length = readSync(fd, buffer, 0, buffer.length, 0);
      // "0.86 0.71 0.92 3/180 3613": the fourth field's first number.
      const text = buffer.toString('latin1', 0, length);
      const slash = text.indexOf('/');
      const space = text.lastIndexOf(' ', slash);
      const running = Number(text.slice(space + 1, slash));
      return Number.isInteger(running) ? running : undefined;
    } catch {
      return undefined;
    }
  };
}
