// Type-checked only (by tsc, not run): a CommonJS TypeScript module requiring the ES modules,
// which TypeScript 5.8+ accepts under module NodeNext, as Node >= 20.19 does.
import pool = require('@multiproc/pool');
import queue = require('@multiproc/queue');
import multiproc = require('multiproc');

export async function sum(tasks: queue.Queue<number>): Promise<number> {
  let total = 0;
  for await (const n of tasks) total += n;
  return total;
}

export function makePool(): pool.Pool {
  return new pool.Pool({ processes: 1 });
}

export const lock: multiproc.Lock = new multiproc.Lock({});
