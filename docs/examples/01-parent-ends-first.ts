// Example 1 of the article: the parent ends first; its (non-daemon) child runs on.
// As in Python, the parent's own code finishes, then the parent waits for the child before it exits.
import { Process, isMainModule } from 'multiproc';
import { WAIT_SECONDS, ctime, sleep } from './ctime.ts';

export async function runProc(wTime: number) {
  let n = 0;
  while (n < 3) {
    console.log(`subProcess ${process.pid} run, ${ctime()}`); // the process id and the time
    await sleep(wTime); // wait
    n += 1;
  }
}

if (isMainModule(import.meta)) {
  const p = new Process({ target: runProc, args: [WAIT_SECONDS] }); // ask for a child process
  p.start(); // run it
  console.log(`Parent process run. subProcess is ${p.pid}`);
  console.log(`Parent process end,${ctime()}`);
}
