// isLoadedModule(): whether importing a module would run new code here (a peer may name modules; one this
// process loaded already runs none). The rule a receiver can apply to the modules a class reference names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isLoadedModule } from '@multiproc/wire';
import './fixtures/shapes.js';

test('a module this process loaded is loaded; one it never imported is not, until it is', async () => {
  assert.equal(isLoadedModule(import.meta.url), true);
  assert.equal(isLoadedModule(new URL('./fixtures/shapes.ts', import.meta.url).href), true);
  const other = new URL('./fixtures/not-imported.ts', import.meta.url).href;
  assert.equal(isLoadedModule(other), false);
  await import(other);
  assert.equal(isLoadedModule(other), true);
  assert.equal(isLoadedModule('file:///nowhere/at/all.js'), false);
});
