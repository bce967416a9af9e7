// On Node 22 a child strips a TypeScript module's types once per machine: the second child that imports it finds the
// stripped source in the compile cache's directory and does not load Node's stripper.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { needsStripCache } from '../src/ts-strip-cache.js';
import { runProgram, tempDir } from './helpers.js';

const node22 = process.versions.node.startsWith('22.') && Boolean((process.features as { typescript?: unknown }).typescript);

describe('stripped TypeScript cached for children', () => {
  it('on Node 22, the second child that imports a .ts target does not strip it again', { skip: !node22 && 'Node 22 only (Node 23+ caches stripped code itself; Node 20 does not strip)' }, async () => {
    const tmp = tempDir();
    try {
      const result = await runProgram('strip-cache-parent.mjs', [], { env: { ...process.env, NODE_COMPILE_CACHE: tmp.dir } });
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(result.lines, ['first: stripper loaded true', 'second: stripper loaded false']);
      assert.doesNotMatch(result.stderr, /ExperimentalWarning/);
      const versionDir = readdirSync(tmp.dir).find((name) => name.startsWith(`v${process.versions.node}`))!;
      const cache = join(tmp.dir, versionDir, 'multiproc-stripped-ts');
      assert.ok(existsSync(cache));

      // A cache directory others can write is not used: what is read there runs as code.
      for (const file of readdirSync(cache)) rmSync(join(cache, file));
      chmodSync(cache, 0o777);
      const shared = await runProgram('strip-cache-parent.mjs', [], { env: { ...process.env, NODE_COMPILE_CACHE: tmp.dir } });
      assert.equal(shared.code, 0, shared.stderr);
      assert.deepEqual(shared.lines, ['first: stripper loaded true', 'second: stripper loaded true']);
      assert.deepEqual(readdirSync(cache), []);
    } finally {
      tmp.cleanup();
    }
  });

  it('is needed on Node 22 only, where Node strips types, with the hooks API and the compile cache on', () => {
    const api = { registerHooks: () => {}, stripTypeScriptTypes: (s: string) => s, getCompileCacheDir: () => '/cache' };
    assert.equal(needsStripCache('v22.23.3', api, 'strip'), true);
    assert.equal(needsStripCache('v24.21.0', api, 'strip'), false, 'Node 23+ caches stripped code itself');
    assert.equal(needsStripCache('v20.20.2', api, undefined), false);
    assert.equal(needsStripCache('v22.23.3', api, false), false, 'types not stripped by Node');
    assert.equal(needsStripCache('v22.12.0', { ...api, registerHooks: undefined }, 'strip'), false, 'no module.registerHooks');
    assert.equal(needsStripCache('v22.23.3', { ...api, getCompileCacheDir: () => undefined }, 'strip'), false, 'compile cache off');
  });
});
