// @multiproc/pool on its own. The task lives in pool-tasks.mjs, so this module needs no main guard.
import { Pool } from '@multiproc/pool';
import { square } from './pool-tasks.mjs';

const pool = new Pool({ processes: 2 });
try {
  const squares = await pool.map(square, [1, 2, 3, 4]);
  const seven = await pool.apply(square, [7]);
  console.log(`pool: ${squares.join(' ')}; apply ${seven}`);
} finally {
  pool.close();
  await pool.join();
}
