// Type tests (test/types/*.ts): `tsc` must accept them, @ts-expect-error lines included (see test/types/pool.types.ts).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { it } from 'node:test';

it('the type tests compile, and every @ts-expect-error line is an error', () => {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const project = fileURLToPath(new URL('./types/tsconfig.json', import.meta.url));
  const result = spawnSync(process.execPath, [tsc, '-p', project], { encoding: 'utf8' });
  assert.equal(result.status, 0, `tsc -p test/types failed:\n${result.stdout}${result.stderr}`);
});
