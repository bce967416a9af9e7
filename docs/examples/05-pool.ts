// Example 5: a pool of 8 processes runs 16 one-second tasks — about 2 s instead of 16.
// On a terminal a progress bar shows the tasks as they finish (Pool's callbacks).
import { Pool, isMainModule } from 'multiproc';

export async function runProc(name: string) {
  for (let i = 0; i < 5; i++) {
    await new Promise((resolve) => setTimeout(resolve, 200)); // sleep 0.2 s
    console.log(`Run child process ${name} (${process.pid})`);
  }
}
// One call of this function takes 1 second.

function progress(done: number, total: number) {
  if (!process.stdout.isTTY) return;
  const width = 32;
  const filled = Math.round((done / total) * width);
  process.stdout.write(`[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} tasks done\n`);
}

if (isMainModule(import.meta)) {
  console.log(`Run the main process (${process.pid}).`);
  const mainStart = performance.now(); // when the main process started
  const p = new Pool({ processes: 8 }); // the process pool
  let done = 0;
  for (let i = 0; i < 16; i++) {
    p.applyAsync(runProc, [`Process${i}`], { callback: () => progress(++done, 16) }); // each task calls runProc
  }
  console.log('Waiting for all subprocesses done ...');
  p.close(); // no more tasks
  await p.join(); // wait until every task ran and every worker left
  console.log('All subprocesses done');
  const mainEnd = performance.now();
  console.log(`All process last ${((mainEnd - mainStart) / 1000).toFixed(2)} seconds.`);
}
