// @multiproc/pool on its own, in TypeScript.
import { Pool } from '@multiproc/pool';
import { square } from './pool-tasks.js';

const pool = new Pool({ processes: 2 });
try {
  const squares: number[] = await pool.map(square, [1, 2, 3, 4]);
  const seven: number = await pool.apply(square, [7]);
  console.log(`pool: ${squares.join(' ')}; apply ${seven}`);
} finally {
  pool.close();
  await pool.join();
}
