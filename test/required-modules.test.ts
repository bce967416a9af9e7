// Issue #19 item 2: a peer that reached an owner through its socket cannot make it import a module nothing in the
// owner vouches for; one the owner trusts (here: allowed) it can.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allowModuleImports, Process, Queue, runtime } from 'multiproc';
import { askToImport, holdUp } from './fixtures/hostile-peer.mjs';

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

    // A module this process has loaded already: importing it runs no code, so any peer may name it.
    const loaded = new Process({ target: askToImport, args: [queue, report, new URL('./fixtures/hostile-peer.mjs', import.meta.url).href] }).start();
    assert.equal(await report.get({ timeout: 30_000 }), 'answered');
    await loaded.join();

    allowModuleImports(marker);
    const allowed = new Process({ target: askToImport, args: [queue, report, marker.href] }).start();
    assert.equal(await report.get({ timeout: 30_000 }), 'answered');
    await allowed.join();
    assert.equal(imported(), 1);
  });

  it('a socket peer that dies while the owner holds its frames for an import that never finishes is let go within seconds', async () => {
    const never = new URL('./fixtures/never-imported.mjs', import.meta.url);
    allowModuleImports(never);
    // Closes of the connection through the socket (not of the channel this process opened to its child).
    const closed: number[] = [];
    const mine: { child?: Process } = {};
    const probe = runtime().own({ dispatch: () => 'hi', peerClosed: (peer) => void (peer !== mine.child?._peer && closed.push(peer.pid)) });
    const report = new Queue<string>();
    const peer = new Process({ target: holdUp, args: [runtime().handle(probe), report, never.href] }).start();
    mine.child = peer;
    assert.equal(await report.get({ timeout: 30_000 }), 'flooded');
    peer.kill();
    await peer.join();
    // The owner had stopped reading from it (its frames held), so its end is not seen on the socket: it is asked for.
    for (const until = Date.now() + 30_000; !closed.includes(peer.pid!); await new Promise((resolve) => setTimeout(resolve, 50))) {
      assert.ok(Date.now() < until, 'the owner still holds the dead peer’s connection after 30 s');
    }
    runtime().disown(probe);
  });
});
