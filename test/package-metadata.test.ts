// Every package's package.json says what npm and bundlers need to know, truthfully.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const packageDirs = readdirSync(join(root, 'packages')).sort();

interface PackageJson {
  name: string;
  description?: string;
  keywords?: string[];
  license?: string;
  repository?: { type: string; url: string; directory: string };
  files?: string[];
  sideEffects?: boolean | string[];
  dependencies?: Record<string, string>;
  publishConfig?: { access?: string };
}

const readPackage = (dir: string) => JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) as PackageJson;

describe('package.json metadata', () => {
  for (const dir of packageDirs) {
    const pkg = readPackage(dir);

    it(`${pkg.name}: description, keywords, license, repository, files, publishConfig`, () => {
      assert.ok(pkg.description && pkg.description.length > 40, 'a description');
      assert.doesNotMatch(pkg.description, /placeholder/i);
      assert.ok(pkg.keywords && pkg.keywords.length >= 3, 'keywords');
      assert.equal(new Set(pkg.keywords).size, pkg.keywords.length, 'no keyword twice');
      assert.equal(pkg.license, 'MIT');
      assert.equal(pkg.repository?.directory, `packages/${dir}`);
      assert.match(pkg.repository?.url ?? '', /^git\+https:\/\/.+\.git$/);
      assert.ok(pkg.files?.includes('dist'), 'files ships dist');
      assert.equal(pkg.publishConfig?.access, 'public');
      for (const [name, range] of Object.entries(pkg.dependencies ?? {})) {
        if (name === 'multiproc' || name.startsWith('@multiproc/')) assert.equal(range, 'workspace:^', `${name} is a workspace:^ dependency`);
      }
    });

    it(`${pkg.name}: sideEffects is true (its dist is bundles and chunks, any of which may register something at load)`, () => {
      // scripts/bundle.mjs writes one bundle per entry point plus chunks named by hash; modules that register msgpack
      // extensions, passable classes or error classes at load end up in them, so a bundler must keep every file.
      assert.equal(pkg.sideEffects, true);
    });
  }
});
