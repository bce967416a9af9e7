// @multiproc/pool on its own, from CommonJS.
const { Pool } = require('@multiproc/pool');
const { square } = require('./pool-tasks.cjs');

async function main() {
  const pool = new Pool({ processes: 2 });
  try {
    const squares = await pool.map(square, [1, 2, 3, 4]);
    const seven = await pool.apply(square, [7]);
    console.log(`pool: ${squares.join(' ')}; apply ${seven}`);
  } finally {
    pool.close();
    await pool.join();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
