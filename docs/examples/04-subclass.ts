// Example 4: a process as a class — subclass Process and implement run(); start() calls it in the child.
import { Process, isMainModule } from 'multiproc';
import { WAIT_SECONDS, ctime, sleep } from './ctime.ts';

export class MyProcess extends Process {
  wTime: number;

  constructor(wTime: number) {
    super();
    this.wTime = wTime;
  }

  override async run() {
    let n = 0;
    while (n < 3) {
      console.log(`subProcess ${process.pid} run, ${ctime()}`);
      await sleep(this.wTime);
      n += 1;
    }
  }
}

if (isMainModule(import.meta)) {
  const p = new MyProcess(WAIT_SECONDS);
  p.daemon = true;
  p.start(); // calls run() in the child
  await p.join();
  console.log(`Parent process run. subProcess is ${p.pid}`);
  console.log(`Parent process end,${ctime()}`);
}
