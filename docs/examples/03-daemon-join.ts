// Example 3: daemon + join() — the parent waits for the child to finish before it goes on.
import { Process, isMainModule } from 'multiproc';
import { WAIT_SECONDS, ctime, sleep } from './ctime.ts';

export async function runProc(wTime: number) {
  let n = 0;
  while (n < 3) {
    console.log(`subProcess ${process.pid} run, ${ctime()}`);
    await sleep(wTime);
    n += 1;
  }
}

if (isMainModule(import.meta)) {
  const p = new Process({ target: runProc, args: [WAIT_SECONDS] });
  p.daemon = true;
  p.start();
  await p.join(); // add join
  console.log(`Parent process run. subProcess is ${p.pid}`);
  console.log(`Parent process end,${ctime()}`);
}
