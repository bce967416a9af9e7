// Example 2: the same with daemon = true — the child is cut off when the parent ends.
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
  p.daemon = true; // add daemon
  p.start();
  console.log(`Parent process run. subProcess is ${p.pid}`);
  console.log(`Parent process end,${ctime()}`);
}
