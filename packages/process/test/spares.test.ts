// Warm spares (keepSpares): a start takes a booted child; spares are replaced, keep nothing alive, never outlive
// their parent, and are never taken by a start they do not fit.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { keepSpares, Process, sparesReady } from '@multiproc/process';
import { spareFits, type SpareOptions } from '../src/spares.js';
import { childrenOf, fixtureUrl, isAlive, readJson, runProgram, tempDir, waitGone } from './helpers.js';

const TARGETS = fixtureUrl('spares-targets.mjs');
const wallNow = () => performance.timeOrigin + performance.now();

const myChildren = () => childrenOf(process.pid);

/** Starts a Process whose target writes what it saw; returns it with the time start() was called. */
async function startReporting(file: string, options: { env?: NodeJS.ProcessEnv; execArgv?: string[] } = {}) {
  const startedAt = wallNow();
  const p = new Process({ target: 'report', module: TARGETS, args: [file], ...options });
  p.start();
  await p.join();
  assert.equal(p.exitCode, 0);
  return { ...(readJson(file) as { origin: number; pid: number; marker: string | null }), startedAt, pid: p.pid };
}

describe('warm spares', { skip: process.platform !== 'linux' && 'reads /proc: Linux only' }, () => {
  const tmp = tempDir();
  after(() => {
    keepSpares(0);
    tmp.cleanup();
  });

  it('a start takes a spare that booted before it, and the spare is replaced', async () => {
    keepSpares(1);
    await sparesReady({ timeout: 60_000 });
    const first = await startReporting(tmp.file('first'));
    assert.ok(first.origin < first.startedAt, 'the child existed before start() was called');
    await sparesReady({ timeout: 60_000 });
    const second = await startReporting(tmp.file('second'));
    assert.ok(second.origin < second.startedAt, 'the replacement spare was taken too');
    assert.notEqual(first.pid, second.pid);
  });

  it('a start whose options differ (execArgv, env) boots a child of its own', async () => {
    keepSpares(1);
    await sparesReady({ timeout: 60_000 });
    const flags = await startReporting(tmp.file('flags'), { execArgv: ['--no-warnings', ...process.execArgv] });
    assert.ok(flags.origin > flags.startedAt, 'a fresh child: a spare runs with the default flags');
    const env = await startReporting(tmp.file('env'), { env: { ...process.env, SPARES_TEST_MARKER: 'explicit' } });
    assert.ok(env.origin > env.startedAt);
    assert.equal(env.marker, 'explicit');
  });

  it('a spare started before process.env changed is not taken (the child sees the new environment)', async () => {
    keepSpares(1);
    await sparesReady({ timeout: 60_000 });
    process.env.SPARES_TEST_MARKER = 'changed';
    try {
      const seen = await startReporting(tmp.file('changed'));
      assert.equal(seen.marker, 'changed');
      assert.ok(seen.origin > seen.startedAt, 'a fresh child');
      await sparesReady({ timeout: 60_000 });
      const next = await startReporting(tmp.file('next'));
      assert.equal(next.marker, 'changed');
      assert.ok(next.origin < next.startedAt, 'the stale spare was replaced by one with the new environment');
    } finally {
      delete process.env.SPARES_TEST_MARKER;
    }
  });

  it('keepSpares(0) ends the spares', async () => {
    keepSpares(0);
    const before = new Set(myChildren());
    keepSpares(2);
    await sparesReady({ timeout: 60_000 });
    const spares = myChildren().filter((pid) => !before.has(pid));
    assert.equal(spares.length, 2, 'two spares are children of this process');
    keepSpares(0);
    for (const pid of spares) assert.notEqual(await waitGone(pid, 5000), Infinity, `spare ${pid} ended`);
  });

  it('refuses a count that is not a whole number ≥ 0 (ERR_INVALID_ARGUMENT)', () => {
    for (const bad of [-1, 1.5, NaN, '2' as unknown as number]) {
      assert.throws(() => keepSpares(bad), { code: 'ERR_INVALID_ARGUMENT', message: /keepSpares\(\): count must be a whole number/ });
    }
  });

  it('sparesReady() takes { timeout }', async () => {
    keepSpares(0);
    keepSpares(1); // booting: not ready within 0 ms
    await assert.rejects(sparesReady({ timeout: 0 }), { code: 'ERR_TIMEOUT' });
    keepSpares(0);
  });
});

describe('spares and their parent', { skip: process.platform !== 'linux' && 'reads /proc: Linux only' }, () => {
  it('spares keep no program alive, and end with it', async () => {
    let spares: number[] = [];
    const result = await runProgram('spares.mjs', ['exit'], {
      onLine: (line) => {
        if (line.startsWith('spares ')) spares = line.slice(7).split(' ').map(Number);
      },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(spares.length, 2, result.stdout);
    for (const pid of spares) assert.notEqual(await waitGone(pid, 2000), Infinity, `spare ${pid} ended with its parent`);
    assert.equal(result.stderr, '', 'a spare that was never taken ends quietly');
  });

  it('spares are gone within 1 s of their parent being SIGKILLed', async () => {
    let spares: number[] = [];
    const result = await runProgram('spares.mjs', ['wait'], {
      onLine: (line, kill) => {
        if (!line.startsWith('spares ')) return;
        spares = line.slice(7).split(' ').map(Number);
        kill('SIGKILL');
      },
    });
    assert.equal(result.signal, 'SIGKILL');
    const gone = await Promise.all(spares.map((pid) => waitGone(pid, 1000)));
    for (const pid of spares) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    assert.equal(spares.length, 2);
    for (const ms of gone) assert.notEqual(ms, Infinity);
  });

  it('a child that was a spare keeps its parent alive until it ends, like any non-daemon child', async () => {
    const result = await runProgram('spares.mjs', ['keeps-alive']);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.lines, ['parent end', 'child done', 'from a spare: true']);
  });
});

describe('spareFits', () => {
  const base: SpareOptions = { execArgv: ['--import', 'tsx'], env: { A: '1', B: '2' }, cwd: '/work' };
  it('fits the same flags, environment and directory', () => {
    assert.ok(spareFits(base, { execArgv: ['--import', 'tsx'], env: { B: '2', A: '1' }, cwd: '/work' }));
  });
  it('does not fit other flags, another directory, or any difference in the environment', () => {
    assert.ok(!spareFits(base, { ...base, execArgv: ['--import'] }));
    assert.ok(!spareFits(base, { ...base, execArgv: ['--import', 'other'] }));
    assert.ok(!spareFits(base, { ...base, cwd: '/tmp' }));
    assert.ok(!spareFits(base, { ...base, env: { A: '1' } }));
    assert.ok(!spareFits(base, { ...base, env: { A: '1', B: '3' } }));
    assert.ok(!spareFits(base, { ...base, env: { A: '1', B: '2', C: '3' } }));
  });
});
