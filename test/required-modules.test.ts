// Issue #19 item 2: a peer that reached an owner through its socket cannot make it import a module nothing in the
// owner vouches for; one the owner trusts (here: allowed) it can.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allowModuleImports, Process, Queue } from 'multiproc';
import { askToImport } from './fixtures/hostile-peer.mjs';

const marker = new URL('./fixtures/import-marker.mjs', import.meta.url);
const imported = () => (globalThis as { importMarker?: number }).importMarker ?? 0;

describe('modules a peer names (RequireModules)', () => {
  it('an owner refuses to import a module a socket peer names that it does not trust, and imports one it does', async () => {
    const queue = new Queue<number>();
    const report = new Queue<string>();
    // A child that connects to the owner's socket by hand, as a process of the tree that the owner did not start would.
    const stranger = new Process({ target: askToImport, args: [queue, report, marker.href] }).start();
    assert.equal(await report.get({ timeout: 30_000 }), 'closed');
    await stranger.join();
    assert.equal(imported(), 0, 'the module did not run in the owner');
    await queue.put(1); // the owner goes on
    assert.equal(await queue.get(), 1);

    allowModuleImports(marker);
    const allowed = new Process({ target: askToImport, args: [queue, report, marker.href] }).start();
    assert.equal(await report.get({ timeout: 30_000 }), 'answered');
    await allowed.join();
    assert.equal(imported(), 1);
  });
});
