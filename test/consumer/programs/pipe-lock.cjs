// @multiproc/pipe and @multiproc/lock with @multiproc/process, from CommonJS.
const { Lock } = require('@multiproc/lock');
const { Pipe } = require('@multiproc/pipe');
const { Process, isMainModule } = require('@multiproc/process');

async function report(lock, conn) {
  const heard = await conn.recv();
  await lock.runExclusive(() => conn.send(`child heard "${heard}" and took the lock`));
  await conn.close();
}
module.exports = { report };

async function main() {
  const lock = new Lock();
  const [mine, theirs] = Pipe();
  await lock.acquire();
  const child = new Process({ target: report, args: [lock, theirs] });
  child.start();
  await mine.send('parent releases');
  await lock.release();
  const reply = await mine.recv();
  await child.join();
  await mine.close();
  console.log(`pipe+lock: ${reply}; child exit ${child.exitCode}`);
}

if (isMainModule(module)) {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
