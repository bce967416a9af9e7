// @multiproc/queue with @multiproc/process: a child puts into a queue its parent owns.
import { Process, isMainModule } from '@multiproc/process';
import { Queue } from '@multiproc/queue';

export async function produce(queue) {
  for (let i = 1; i <= 3; i++) await queue.put(i * 10);
  await queue.close();
}

if (isMainModule(import.meta)) {
  const queue = new Queue();
  const child = new Process({ target: produce, args: [queue] });
  child.start();
  const got = [];
  for await (const item of queue) got.push(item);
  await child.join();
  console.log(`queue: ${got.join(' ')}; child exit ${child.exitCode}`);
}
