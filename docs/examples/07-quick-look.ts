// The README's "A quick look", as a program the tests run.
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Connection, Lock, Pipe, Pool, Process, Queue, isMainModule } from 'multiproc';

export async function worker(tasks: Queue<number>, lock: Lock, log: string, results: Connection<number>) {
  for await (const n of tasks) {                       // ends when the queue is closed and drained
    await lock.runExclusive(() => appendFile(log, `${n}\n`));
    await results.send(n * n);
  }
  await results.close();
}

export const square = (x: number) => x * x;

if (isMainModule(import.meta)) {
  const dir = await mkdtemp(join(tmpdir(), 'quick-look-'));
  const tasks = new Queue<number>();                   // owned here; children get live proxies
  const [mine, theirs] = Pipe<number>();
  new Process({ target: worker, args: [tasks, new Lock(), join(dir, 'log'), theirs] }).start();
  for (let i = 1; i <= 3; i++) await tasks.put(i);
  await tasks.close();
  for await (const result of mine) console.log(result); // 1, 4, 9

  {
    await using pool = new Pool({ processes: 4 });    // close + join at the end of the block
    console.log(await pool.map(square, [1, 2, 3]));   // [ 1, 4, 9 ]
  }
  await rm(dir, { recursive: true });
}
