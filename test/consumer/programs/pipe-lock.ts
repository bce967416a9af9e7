// @multiproc/pipe and @multiproc/lock with @multiproc/process, in TypeScript.
import { Lock } from '@multiproc/lock';
import { type Connection, Pipe } from '@multiproc/pipe';
import { Process, isMainModule } from '@multiproc/process';

export async function report(lock: Lock, conn: Connection<string>): Promise<void> {
  const heard = await conn.recv();
  await lock.runExclusive(() => conn.send(`child heard "${heard}" and took the lock`));
  await conn.close();
}

if (isMainModule(import.meta)) {
  const lock = new Lock();
  const [mine, theirs] = Pipe<string>();
  await lock.acquire();
  const child = new Process({ target: report, args: [lock, theirs] });
  child.start();
  await mine.send('parent releases');
  await lock.release();
  const reply: string = await mine.recv();
  await child.join();
  await mine.close();
  console.log(`pipe+lock: ${reply}; child exit ${child.exitCode}`);
}
