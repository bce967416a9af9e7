// A topology: a producer feeds a queue; three consumers take numbers from it, square them,
// log each under a Lock around a shared file, and send results back on their own Pipe;
// the parent collects from the three pipes with wait().
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection, Lock, Pipe, Process, Queue, isMainModule, wait } from 'multiproc';

export async function producer(tasks: Queue<number>, count: number) {
  for (let n = 1; n <= count; n++) await tasks.put(n);
  await tasks.close(); // consumers' `for await` loops end once the queue is drained
}

export async function consumer(name: string, tasks: Queue<number>, lock: Lock, log: string, results: Connection<[number, number]>) {
  for await (const n of tasks) {
    const square = n * n;
    await lock.runExclusive(() => appendFile(log, `${name} ${n}² = ${square}\n`));
    await results.send([n, square]);
  }
  await results.close();
}

if (isMainModule(import.meta)) {
  const dir = await mkdtemp(join(tmpdir(), 'multiproc-topology-'));
  const log = join(dir, 'squares.log');
  const tasks = new Queue<number>({ maxsize: 8 });
  const lock = new Lock();
  const ends: Array<Connection<[number, number]>> = [];
  const processes = [new Process({ target: producer, args: [tasks, 30] })];
  for (const name of ['consumer-1', 'consumer-2', 'consumer-3']) {
    const [mine, theirs] = Pipe<[number, number]>({ duplex: false });
    ends.push(mine);
    processes.push(new Process({ target: consumer, args: [name, tasks, lock, log, theirs], name }));
  }
  for (const p of processes) p.start();

  let sum = 0;
  let received = 0;
  const open = new Set(ends);
  while (open.size > 0) {
    for (const end of await wait([...open])) {
      try {
        const [, square] = await end.recv();
        sum += square;
        received++;
      } catch {
        open.delete(end); // this consumer is done (its end closed)
      }
    }
  }
  for (const p of processes) await p.join();
  const lines = (await readFile(log, 'utf8')).trim().split('\n');
  console.log(`results: ${received} squares, sum ${sum}`);
  console.log(`log: ${lines.length} lines, written by ${new Set(lines.map((l) => l.split(' ')[0])).size} consumers under one lock`);
  console.log(`exit codes: ${processes.map((p) => p.exitCode).join(' ')}`);
  await rm(dir, { recursive: true });
}
