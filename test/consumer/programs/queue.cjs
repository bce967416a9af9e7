// @multiproc/queue with @multiproc/process, from CommonJS.
const { Process, isMainModule } = require('@multiproc/process');
const { Queue } = require('@multiproc/queue');

async function produce(queue) {
  for (let i = 1; i <= 3; i++) await queue.put(i * 10);
  await queue.close();
}
module.exports = { produce };

async function main() {
  const queue = new Queue();
  const child = new Process({ target: produce, args: [queue] });
  child.start();
  const got = [];
  for await (const item of queue) got.push(item);
  await child.join();
  console.log(`queue: ${got.join(' ')}; child exit ${child.exitCode}`);
}

if (isMainModule(module)) {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
