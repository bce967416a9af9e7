#!/usr/bin/env node
// Runs every test file (packages/*/test/**/*.test.ts and test/**/*.test.ts) with
// node:test under tsx, on whichever `node` runs this script (CI runs it on Node 20, 22, 24 and 26).
// Node 20's `--test` takes no globs, so the files are listed here.
// Usage: node test/run-tests.mjs [substring filter…]
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const filters = process.argv.slice(2);

function collect(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name === 'bench' || name === 'fixtures') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) collect(path, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, path));
  }
  return out;
}

const files = [
  ...readdirSync(join(root, 'packages')).flatMap((pkg) => {
    try {
      return collect(join(root, 'packages', pkg, 'test'));
    } catch {
      return [];
    }
  }),
  ...collect(join(root, 'test')),
].filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)));

if (files.length === 0) {
  console.error('run-tests: no test files matched', filters);
  process.exit(1);
}
console.log(`run-tests: node ${process.version}, ${files.length} files`);
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-timeout=300000', '--test-concurrency=2', ...files],
  { cwd: root, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
