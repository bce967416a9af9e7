// The multiproc umbrella, in TypeScript.
import { Pool, Process, Queue, isMainModule } from 'multiproc';

export async function squarer(tasks: Queue<number>, results: Queue<number>): Promise<void> {
  for await (const n of tasks) await results.put(n * n);
  await results.close();
}

export const square = (x: number): number => x * x;

if (isMainModule(import.meta)) {
  const tasks = new Queue<number>();
  const results = new Queue<number>();
  const child = new Process({ target: squarer, args: [tasks, results] });
  child.start();
  for (const n of [1, 2, 3]) await tasks.put(n);
  await tasks.close();
  const got: number[] = [];
  for await (const square of results) got.push(square);
  await child.join();
  await using pool = new Pool({ processes: 2 });
  const mapped: number[] = await pool.map(square, [4, 5]);
  console.log(`multiproc: ${got.join(' ')}; pool ${mapped.join(' ')}; child exit ${child.exitCode}`);
}
