// No orphans, no zombies: whatever way the parent ends, its children end too.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runProgram, waitGone } from './helpers.js';

/** Runs orphan-parent.mjs in `mode`; `act` gets the children's pids and a way to signal the parent. */
async function withParent(mode: string, act?: (kill: (s: NodeJS.Signals) => void) => void) {
  const pids: number[] = [];
  const result = await runProgram('orphan-parent.mjs', [mode], {
    timeoutMs: 30_000,
    onLine: (line, kill) => {
      const match = /^pids (\d+) (\d+)$/.exec(line);
      if (!match) return;
      pids.push(Number(match[1]), Number(match[2]));
      act?.(kill);
    },
  });
  assert.equal(pids.length, 2, `the parent printed its children's pids:\n${result.stdout}\n${result.stderr}`);
  return { result, busy: pids[0]!, daemon: pids[1]! };
}

describe('no orphans', () => {
  it('every child, even one busy in a CPU loop, exits within 1 s of its parent being SIGKILLed', async () => {
    let killedAt = 0;
    const { result, busy, daemon } = await withParent('wait', (kill) => {
      killedAt = performance.now();
      kill('SIGKILL');
    });
    assert.equal(result.signal, 'SIGKILL');
    // The contract is 1 s (watchdog: 100 ms polling + 400 ms grace); the bound checks that contract, not speed.
    const [busyGone, daemonGone] = await Promise.all([waitGone(busy, 1000), waitGone(daemon, 1000)]);
    const since = performance.now() - killedAt;
    assert.ok(busyGone !== Infinity, `busy child ${busy} still alive ${since.toFixed(0)} ms after its parent was SIGKILLed`);
    assert.ok(daemonGone !== Infinity, `daemon child ${daemon} still alive ${since.toFixed(0)} ms after its parent was SIGKILLed`);
  });

  it('children end when the parent is ended by SIGTERM', async () => {
    const { result, busy, daemon } = await withParent('wait', (kill) => kill('SIGTERM'));
    assert.equal(result.signal, 'SIGTERM');
    assert.notEqual(await waitGone(busy, 5000), Infinity);
    assert.notEqual(await waitGone(daemon, 5000), Infinity);
  });

  it('children end when the parent is ended by SIGINT', async () => {
    const { result, busy, daemon } = await withParent('wait', (kill) => kill('SIGINT'));
    assert.equal(result.signal, 'SIGINT');
    assert.notEqual(await waitGone(busy, 5000), Infinity);
    assert.notEqual(await waitGone(daemon, 5000), Infinity);
  });

  it('children end when the parent dies of an uncaught exception', async () => {
    const { result, busy, daemon } = await withParent('throw');
    assert.equal(result.code, 1);
    assert.match(result.stderr, /parent crashed/);
    assert.notEqual(await waitGone(busy, 5000), Infinity);
    assert.notEqual(await waitGone(daemon, 5000), Infinity);
  });

  it('children end when the parent calls process.exit()', async () => {
    const { result, busy, daemon } = await withParent('exit');
    assert.equal(result.code, 0);
    assert.notEqual(await waitGone(busy, 5000), Infinity);
    assert.notEqual(await waitGone(daemon, 5000), Infinity);
  });

  it('a non-daemon child keeps its parent alive until it ends, as in Python', async () => {
    const result = await runProgram('keeps-alive.mjs');
    assert.equal(result.code, 0);
    assert.deepEqual(result.lines, ['parent end', 'child done']);
  });
});
