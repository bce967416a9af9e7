// importUserModule / userModuleImport: the runtime's imports of user modules are visible to the code they run while
// pending (the fork-bomb guard of issue #19 item 1), and to nothing else.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { importUserModule, userModuleImport } from '@multiproc/wire';

const fixture = new URL('./fixtures/probes-import.mjs', import.meta.url).href;

test('the code an import runs sees it while it is pending; code beside it, and what runs after it settled, do not', async () => {
  const seen: Record<string, string | undefined> = {};
  (globalThis as Record<string, unknown>)['userImportProbe'] = (where: string) => (seen[where] = userModuleImport()?.why);
  const beside: Array<string | undefined> = [];
  const timer = setInterval(() => beside.push(userModuleImport()?.why ?? 'none'), 1);
  assert.equal(userModuleImport(), undefined);
  await importUserModule(fixture, 'a test module');
  clearInterval(timer);
  assert.equal(userModuleImport(), undefined);
  await sleep(60);
  assert.deepEqual(seen, { 'top level': 'a test module', 'after an await': 'a test module', 'a timer it left': undefined });
  assert.ok(beside.length > 0 && beside.every((why) => why === 'none'), `seen beside the import: ${beside.join(', ')}`);
});

test('a failed import rejects as import() does, and leaves nothing pending', async () => {
  await assert.rejects(importUserModule(new URL('./fixtures/no-such-module.mjs', import.meta.url).href, 'a test module'), { code: 'ERR_MODULE_NOT_FOUND' });
  assert.equal(userModuleImport(), undefined);
});
