// The multiproc umbrella, from CommonJS.
const { Pool, Process, Queue, isMainModule } = require('multiproc');

async function squarer(tasks, results) {
  for await (const n of tasks) await results.put(n * n);
  await results.close();
}

const square = (x) => x * x;
module.exports = { squarer, square };

async function main() {
  const tasks = new Queue();
  const results = new Queue();
  const child = new Process({ target: squarer, args: [tasks, results] });
  child.start();
  for (const n of [1, 2, 3]) await tasks.put(n);
  await tasks.close();
  const got = [];
  for await (const square of results) got.push(square);
  await child.join();
  const pool = new Pool({ processes: 2 });
  const mapped = await pool.map(square, [4, 5]);
  pool.close();
  await pool.join();
  console.log(`multiproc: ${got.join(' ')}; pool ${mapped.join(' ')}; child exit ${child.exitCode}`);
}

if (isMainModule(module)) {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
