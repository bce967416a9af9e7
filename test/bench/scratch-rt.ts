// scratch: interleaved RT / burst, ours vs piscina vs poolifier (not committed)
import { Pool } from '@multiproc/pool';
import { Piscina } from 'piscina';
import { FixedClusterPool } from 'poolifier';
import { fileURLToPath } from 'node:url';
import { id } from './fixtures/pool-tasks.mjs';
const TASKS = new URL('./fixtures/pool-tasks.mjs', import.meta.url);
const POOLIFIER_WORKER = fileURLToPath(new URL('./fixtures/pool-poolifier.cjs', import.meta.url));
const workers = Number(process.argv[2] ?? 1);
const mode = process.argv[3] ?? 'rt';
const n = Number(process.argv[4] ?? (mode === 'rt' ? 1000 : 20000));
const ours = new Pool({ processes: workers });
const pis = new Piscina({ filename: TASKS.href, minThreads: workers, maxThreads: workers });
const pfr = new FixedClusterPool<number, number>(workers, POOLIFIER_WORKER, { settings: { execArgv: [] } });
const calls: Record<string, (i: number) => Promise<unknown>> = {
  ours: (i) => ours.apply(id, [i]),
  piscina: (i) => pis.run(i, { name: 'id' }),
  poolifier: (i) => pfr.execute(i, 'id'),
};
const res: Record<string, number[]> = { ours: [], piscina: [], poolifier: [] };
for (let round = 0; round < 8; round++) {
  for (const [name, call] of Object.entries(calls)) {
    const t0 = performance.now();
    if (mode === 'rt') for (let i = 0; i < n; i++) await call(i);
    else await Promise.all(Array.from({ length: n }, (_, i) => call(i)));
    const ms = performance.now() - t0;
    if (round > 0) res[name]!.push(mode === 'rt' ? (ms * 1000) / n : n / ms);
  }
}
const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1]!;
for (const [name, v] of Object.entries(res)) console.log(`${mode} ${workers}w ${name.padEnd(10)} median ${med(v).toFixed(1)} ${mode === 'rt' ? 'us' : 'k/s'} ratio ${(med(v) / med(res[mode === 'rt' ? 'piscina' : 'poolifier']!)).toFixed(2)}  [${v.map((x) => x.toFixed(0)).join(' ')}]`);
ours.close(); await ours.join(); await pis.destroy(); await pfr.destroy();
