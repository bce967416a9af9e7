// Example 9: one program, many machines. Written for one machine, it runs its named Pool here. Started with
// MULTIPROC_BACKEND=redis://host:6379 (and MULTIPROC_NAMESPACE) in its environment, the same Pool runs on the machines
// that joined it: `npx multiproc worker --backend redis://host:6379 --namespace demo --pool words
// --import docs/examples/09-cluster.ts`. Nothing in the program changes. (docs/cluster.md; 09-cluster-demo.sh runs
// it across network namespaces: Redis on one "host", this program on another, two agents on two more.)
import { hostname } from 'node:os';
import { Pool, isMainModule } from 'multiproc';

/** Runs wherever the pool runs its tasks: here, or on an agent. */
export function shout(word: string) {
  return { word: word.toUpperCase(), host: process.env.MULTIPROC_DEMO_HOST ?? hostname() };
}

if (isMainModule(import.meta)) {
  const pool = new Pool({ name: 'words', processes: 2 });
  const words = ['one', 'program', 'many', 'machines', 'by', 'changing', 'one', 'line'];
  const results = await pool.map(shout, words, { chunksize: 1 });
  console.log(results.map((r) => r.word).join(' '));
  console.log(`ran on: ${[...new Set(results.map((r) => r.host))].sort().join(', ')}`);
  pool.close();
  await pool.join();
}
