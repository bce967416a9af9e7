#!/usr/bin/env node
// Packs every package (pnpm pack, as publishing does) and checks each tarball with
// publint (strict: warnings count, and so do suggestions) and @arethetypeswrong/cli
// (profile esm-only: the packages are ESM only, so "CJS resolves to ESM" is expected).
// Exits 1 if either reports anything. Usage: node scripts/check-packages.mjs (after pnpm build).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

const root = fileURLToPath(new URL('..', import.meta.url));
const { packageManager } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'multiproc-check-packages-'));
let failed = false;

function sh(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', ...options });
  if (result.error) throw new Error(`cannot run ${command}: ${result.error.message}`);
  return result;
}

try {
  const packed = sh('npx', ['-y', packageManager, '--filter', './packages/*', 'pack', '--pack-destination', dir]);
  if (packed.status !== 0) throw new Error(`pnpm pack failed:\n${packed.stdout}\n${packed.stderr}`);
  const tarballs = readdirSync(dir).filter((f) => f.endsWith('.tgz')).sort();
  const expected = readdirSync(join(root, 'packages')).length;
  if (tarballs.length !== expected) throw new Error(`expected ${expected} tarballs, got ${tarballs.join(', ')}`);

  for (const tarball of tarballs) {
    const path = join(dir, tarball);
    const bytes = readFileSync(path);
    const arrayBuffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const { messages, pkg } = await publint({ pack: { tarball: arrayBuffer }, level: 'suggestion', strict: true });
    if (messages.length === 0) {
      console.log(`publint ${tarball}: clean`);
    } else {
      failed = true;
      console.log(`publint ${tarball}: ${messages.length} message(s)`);
      for (const message of messages) console.log(`  ${message.type}: ${formatMessage(message, pkg)}`);
    }

    const attw = sh(join(root, 'node_modules', '.bin', 'attw'), [path, '--profile', 'esm-only', '--format', 'ascii', '--no-color', '--no-emoji']);
    if (attw.status === 0) {
      console.log(`attw ${tarball}: clean (esm-only)`);
    } else {
      failed = true;
      console.log(`attw ${tarball}: problems\n${attw.stdout}${attw.stderr}`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

if (failed) {
  console.error('check-packages: problems found (see above)');
  process.exit(1);
}
console.log('check-packages: every package is clean');
