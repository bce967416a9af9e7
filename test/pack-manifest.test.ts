// scripts/pack-manifest.mjs: what `npm pack` in a package folder packs instead of package.json as written.
import assert from 'node:assert/strict';
import { test } from 'node:test';
// @ts-expect-error -- a plain .mjs script without types
import { packedManifest, resolveSpec } from '../scripts/pack-manifest.mjs';

const versions = new Map([['@multiproc/wire', '1.2.3']]);
const catalog = new Map([['msgpackr', '^2.1.4']]);

test('workspace: ranges become what pnpm publishes; catalog: becomes the catalog range; others stay', () => {
  assert.equal(resolveSpec('@multiproc/wire', 'workspace:^', versions, catalog), '^1.2.3');
  assert.equal(resolveSpec('@multiproc/wire', 'workspace:~', versions, catalog), '~1.2.3');
  assert.equal(resolveSpec('@multiproc/wire', 'workspace:*', versions, catalog), '1.2.3');
  assert.equal(resolveSpec('@multiproc/wire', 'workspace:^1.0.0', versions, catalog), '^1.0.0');
  assert.equal(resolveSpec('msgpackr', 'catalog:', versions, catalog), '^2.1.4');
  assert.equal(resolveSpec('left-pad', '^1.0.0', versions, catalog), '^1.0.0');
});

test('a dependency it cannot resolve fails the pack, naming it', () => {
  assert.throws(() => resolveSpec('@multiproc/nope', 'workspace:^', versions, catalog), /@multiproc\/nope@workspace:\^: no package of that name/);
  assert.throws(() => resolveSpec('async-mutex', 'catalog:', versions, catalog), /async-mutex@catalog:: not in the catalog/);
  assert.throws(() => resolveSpec('x', 'catalog:named', versions, catalog), /named catalogs/);
});

test('the packed manifest drops the pack scripts, keeps the others, and leaves the input alone', () => {
  const manifest = {
    name: '@multiproc/pipe',
    scripts: { prepack: 'node x prepack', postpack: 'node x postpack' },
    dependencies: { '@multiproc/wire': 'workspace:^', msgpackr: 'catalog:' },
  };
  const packed = packedManifest(manifest, versions, catalog);
  assert.deepEqual(packed, { name: '@multiproc/pipe', dependencies: { '@multiproc/wire': '^1.2.3', msgpackr: '^2.1.4' } });
  assert.equal(manifest.dependencies['@multiproc/wire'], 'workspace:^');
  assert.deepEqual(packedManifest({ scripts: { prepack: 'a', test: 'b' } }, versions, catalog), { scripts: { test: 'b' } });
});
