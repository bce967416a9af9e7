// The README's quick start, pasted into a project made by `npm init -y` ("type": "commonjs"), as a new user
// would: as .mjs (the README's TypeScript without its types), as .mts (run by tsx), and as the README's CommonJS
// version in a .cjs file, installed from tarballs made by `npm pack` in each package folder (its prepack step
// resolves workspace:/catalog:; run in a copy of the repository's layout). No packed manifest holds a pnpm
// protocol, and packing leaves every package.json as it was. (consumer.test.ts installs `pnpm pack`'s tarballs
// and checks their manifests the same way. This file is not beside it in test/consumer, so that the runner does not
// start the two npm-heavy files together.)
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { run } from './consumer/run.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(join(root, 'README.md'), 'utf8');

/** The README's first ```ts block (the quick start), and the first ```js block of "In your project" (its CommonJS form). */
function quickStarts(): { esm: string; cjs: string } {
  const esm = /^```ts\n([\s\S]*?)^```$/m.exec(readme)?.[1];
  const section = readme.slice(readme.indexOf('## In your project'));
  const cjs = /^```js\n([\s\S]*?)^```$/m.exec(section)?.[1];
  assert.ok(esm && cjs, 'the README has a ```ts quick start and a ```js CommonJS version under "In your project"');
  return { esm, cjs };
}

/** `hello world from process <pid>` then `0`, as the README says. */
function assertGreeted(stdout: string, how: string): void {
  assert.match(stdout, /^hello world from process \d+\n0\n$/, `${how} printed:\n${stdout}`);
}

/** package.json inside a tarball. */
async function packedManifest(tarball: string): Promise<string> {
  return (await run('tar', ['-xzOf', tarball, 'package/package.json'], root)).stdout;
}

const packageDirs = (await readdir(join(root, 'packages'))).sort();

describe('the README quick start in a fresh `npm init -y` project, from npm-packed tarballs', () => {
  let dir = '';
  let tarballs: string[] = [];
  let project = '';
  const manifestsBefore = new Map<string, string>();

  before(
    async () => {
      for (const pkg of packageDirs) {
        assert.ok(existsSync(join(root, 'packages', pkg, 'dist', 'index.js')), `packages/${pkg} is not built: run \`pnpm build\` first`);
        manifestsBefore.set(pkg, readFileSync(join(root, 'packages', pkg, 'package.json'), 'utf8'));
      }
      dir = await mkdtemp(join(tmpdir(), 'multiproc-quick-start-'));
      const folder = join(dir, 'tarballs');
      await mkdir(folder);
      // npm pack rewrites package.json while it packs (prepack/postpack): done in a copy of the repository's layout,
      // so that the tests running beside this one never read a package.json half-way.
      const copy = join(dir, 'repo');
      await cp(join(root, 'scripts'), join(copy, 'scripts'), { recursive: true });
      await cp(join(root, 'pnpm-workspace.yaml'), join(copy, 'pnpm-workspace.yaml'));
      for (const pkg of packageDirs) {
        await cp(join(root, 'packages', pkg), join(copy, 'packages', pkg), { recursive: true, filter: (source) => !source.includes('node_modules') });
      }
      project = join(dir, 'project');
      await mkdir(project);
      // Side by side: the whole file must finish within the runner's timeout.
      await Promise.all([...packageDirs.map((pkg) => run('npm', ['pack', '--pack-destination', folder], join(copy, 'packages', pkg))), run('npm', ['init', '-y'], project)]);
      tarballs = (await readdir(folder)).filter((f) => f.endsWith('.tgz')).map((f) => join(folder, f));
      await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs], project);
      const { esm, cjs } = quickStarts();
      const mjs = ts.transpileModule(esm, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
      await writeFile(join(project, 'quick-start.mjs'), mjs);
      await writeFile(join(project, 'quick-start.mts'), esm);
      await writeFile(join(project, 'quick-start.cjs'), cjs);
    },
    { timeout: 600_000 },
  );

  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('npm pack makes one tarball per package, and no packed package.json holds workspace:, catalog: or the pack scripts', async () => {
    assert.equal(tarballs.length, packageDirs.length, tarballs.join(', '));
    for (const tarball of tarballs) {
      const manifest = await packedManifest(tarball);
      assert.doesNotMatch(manifest, /workspace:|catalog:/, tarball);
      assert.doesNotMatch(manifest, /pack-manifest/, `${tarball} keeps no repository-only script`);
    }
  });

  it('npm pack leaves every package.json as it was', () => {
    for (const pkg of packageDirs) {
      for (const at of [join(dir, 'repo', 'packages', pkg), join(root, 'packages', pkg)]) {
        assert.equal(readFileSync(join(at, 'package.json'), 'utf8'), manifestsBefore.get(pkg), `${at}/package.json`);
        assert.equal(existsSync(join(at, 'package.json.prepack')), false);
      }
    }
  });

  it('npm init -y wrote "type": "commonjs", the case the README addresses', () => {
    const manifest = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as { type?: string };
    assert.equal(manifest.type ?? 'commonjs', 'commonjs');
    assert.match(readme, /"type": "module"/);
    assert.match(readme, /\.mjs/);
  });

  it('the quick start as .mjs runs with node', async () => {
    assertGreeted((await run(process.execPath, ['quick-start.mjs'], project)).stdout, '.mjs');
  });

  it("the README's CommonJS version as .cjs runs with node (require.main === module as the guard)", async () => {
    assertGreeted((await run(process.execPath, ['quick-start.cjs'], project)).stdout, '.cjs');
  });

  it('the quick start as .mts runs with tsx', async () => {
    // The repository's tsx (the project's own packages resolve from the file's folder): one install fewer to wait for.
    assertGreeted((await run(join(root, 'node_modules', '.bin', 'tsx'), ['quick-start.mts'], project)).stdout, '.mts with tsx');
  });

  it('a CommonJS index.js that forgets the guard: the child says to write require.main === module, not import.meta', async () => {
    const { cjs } = quickStarts();
    const unguarded = cjs.replace(/if \(require\.main === module\) \{[^\n]*\n([\s\S]*)\}\s*$/, '$1');
    assert.doesNotMatch(unguarded, /require\.main/);
    await writeFile(join(project, 'index.js'), unguarded);
    const { stdout, stderr } = await run(process.execPath, ['index.js'], project).catch((error: Error) => ({ stdout: '', stderr: error.message }));
    const output = `${stdout}\n${stderr}`;
    assert.match(output, /ERR_PROCESS_BOOTSTRAP/);
    assert.match(output, /require\.main === module/);
    assert.doesNotMatch(output, /import\.meta/);
  });
});
