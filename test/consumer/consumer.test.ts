// The packages as a consumer meets them: every package is packed with pnpm (which turns
// `workspace:^` into real ranges), the tarballs are installed with plain npm into a fresh
// project outside the workspace, and small programs (test/consumer/programs) use each package
// on its own, four ways: ESM (.mjs), CommonJS require() (.cjs), TypeScript run with tsx (.ts),
// and `tsc --noEmit` over the .ts/.cts programs against the installed .d.ts files.
// Children load the installed packages' bootstrap files (child-main.js, the pool's worker.js),
// so a file missing from `files` or a wrong path fails here.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { run } from './run.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const programs = fileURLToPath(new URL('./programs', import.meta.url));
const rootPackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  packageManager: string;
  devDependencies: Record<string, string>;
};

/** Each program prints one line; all flavours of a program print the same one. */
const expected: Record<string, string> = {
  wire: 'wire: 1970-01-01T00:00:00.000Z true true',
  queue: 'queue: 10 20 30; child exit 0',
  'pipe-lock': 'pipe+lock: child heard "parent releases" and took the lock; child exit 0',
  pool: 'pool: 1 4 9 16; apply 49',
  umbrella: 'multiproc: 1 4 9; pool 16 25; child exit 0',
};

const flavours = [
  { ext: 'mjs', how: 'ESM (.mjs) with node', command: (file: string) => [process.execPath, file] },
  { ext: 'cjs', how: 'CommonJS require() (.cjs) with node', command: (file: string) => [process.execPath, file] },
  { ext: 'ts', how: 'TypeScript (.ts) with tsx', command: (file: string) => [join('node_modules', '.bin', 'tsx'), file] },
];

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    lib: ['ES2023', 'ESNext.Disposable'],
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noEmit: true,
    skipLibCheck: false, // the point: check the installed .d.ts files too
    types: ['node'],
  },
  include: ['*.ts', '*.cts'],
};

describe('a consumer project installing the packed tarballs with npm', () => {
  let dir = '';
  let project = '';
  let packed: string[] = [];

  before(async () => {
    for (const pkg of await readdir(join(root, 'packages'))) {
      assert.ok(existsSync(join(root, 'packages', pkg, 'dist', 'index.js')), `packages/${pkg} is not built: run \`pnpm build\` first`);
    }
    dir = await mkdtemp(join(tmpdir(), 'multiproc-consumer-'));
    const tarballs = join(dir, 'tarballs');
    project = join(dir, 'project');
    const pnpm = rootPackage.packageManager; // e.g. pnpm@10.34.9
    await run('npx', ['-y', pnpm, '--filter', './packages/*', 'pack', '--pack-destination', tarballs], root);
    packed = (await readdir(tarballs)).filter((f) => f.endsWith('.tgz')).map((f) => join(tarballs, f));
    assert.equal(packed.length, (await readdir(join(root, 'packages'))).length, `one tarball per package: ${packed.join(', ')}`);

    await cp(programs, project, { recursive: true });
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2));
    await writeFile(join(project, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
    const dev = rootPackage.devDependencies;
    const tools = ['tsx', 'typescript', '@types/node'].map((name) => `${name}@${dev[name]}`);
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...packed, ...tools], project);
  });

  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('no packed package.json holds workspace:, catalog: or the repository-only pack scripts', async () => {
    for (const tarball of packed) {
      const { stdout: manifest } = await run('tar', ['-xzOf', tarball, 'package/package.json'], dir);
      assert.doesNotMatch(manifest, /workspace:|catalog:|pack-manifest/, tarball);
    }
  });

  for (const [program, line] of Object.entries(expected)) {
    for (const flavour of flavours) {
      it(`${program}: ${flavour.how}`, async () => {
        const [command, ...args] = flavour.command(`${program}.${flavour.ext}`);
        const { stdout } = await run(command!, args, project);
        assert.deepEqual(stdout.trim().split('\n'), [line]);
      });
    }
  }

  it('tsc --noEmit type-checks the .ts and .cts programs against the installed .d.ts files', async () => {
    await run(join('node_modules', '.bin', 'tsc'), ['-p', '.'], project);
  });
});
