// The orphan promise, both ways a child can watch its parent: every process of a tree — busy children, a busy child
// that listens for SIGTERM, a grandchild — is gone within 1 s of the root's SIGKILL.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parentDeathMode, type ParentDeathFacts } from '../src/parent-death.js';
import { isAlive, runProgram, tempDir, waitGone } from './helpers.js';

const ROLES = ['root', 'busy', 'ignores-term', 'middle', 'grandchild'];

/** The environment a process was started with (the child removes our variables from process.env, not from here). */
const startEnv = (pid: number) => readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');

async function killRootOfTree(mode: 'signal' | 'thread') {
  const pids = new Map<string, number>();
  let killedAt = 0;
  let env: string[] = [];
  const result = await runProgram('orphan-tree.mjs', [], {
    timeoutMs: 60_000,
    env: { ...process.env, MULTIPROC_PARENT_DEATH: mode },
    onLine: (line, kill) => {
      const match = /^ready (\S+) (\d+)$/.exec(line);
      if (!match) return;
      pids.set(match[1]!, Number(match[2]));
      if (pids.size < ROLES.length) return;
      env = startEnv(pids.get('busy')!);
      killedAt = performance.now();
      kill('SIGKILL');
    },
  });
  assert.equal(result.signal, 'SIGKILL', `the root was killed once every process was ready:\n${result.stdout}\n${result.stderr}`);
  const descendants = ROLES.filter((role) => role !== 'root');
  const gone = await Promise.all(descendants.map((role) => waitGone(pids.get(role)!, 1000)));
  const since = performance.now() - killedAt;
  // A survivor would spin in its CPU loop for good: the test ends it before it reports it.
  for (const role of descendants) if (isAlive(pids.get(role)!)) process.kill(pids.get(role)!, 'SIGKILL');
  descendants.forEach((role, i) => {
    assert.ok(gone[i] !== Infinity, `${role} (${pids.get(role)}) still alive ${since.toFixed(0)} ms after the root was SIGKILLed (${mode})`);
  });
  return { env };
}

describe('parent death', { skip: process.platform !== 'linux' && 'reads /proc: Linux only' }, () => {
  it('with the kernel signal (setpriv --pdeathsig): every process of a tree is gone within 1 s of the root being SIGKILLed', async () => {
    const { env } = await killRootOfTree('signal');
    assert.ok(env.includes('MULTIPROC_PDEATHSIG=TERM'), 'the child was started through setpriv');
  });

  it('with the watchdog thread: every process of a tree is gone within 1 s of the root being SIGKILLed', async () => {
    const { env } = await killRootOfTree('thread');
    assert.ok(!env.some((v) => v.startsWith('MULTIPROC_PDEATHSIG=')), 'the child was not started through setpriv');
  });
});

describe('parent death, when the parent is a worker thread', { skip: process.platform !== 'linux' && 'the kernel signal is Linux only' }, () => {
  it('a child started from a worker thread outlives that thread (it watches its parent process, not the thread)', async () => {
    const tmp = tempDir();
    try {
      const result = await runProgram('thread-parent.mjs', [tmp.file('outlived')], { timeoutMs: 60_000 });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.lines[0]!, /^child \d+$/);
      assert.equal(result.lines[1], 'the child outlived the thread that started it');
    } finally {
      tmp.cleanup();
    }
  });
});

describe('parentDeathMode', () => {
  const facts = (over: Partial<ParentDeathFacts>): ParentDeathFacts => ({
    platform: 'linux',
    isMainThread: true,
    requested: undefined,
    setprivWorks: () => true,
    ...over,
  });

  it('uses the signal on Linux, from the main thread, where setpriv works', () => {
    assert.equal(parentDeathMode(facts({})), 'signal');
    assert.equal(parentDeathMode(facts({ requested: 'signal' })), 'signal');
  });

  it('uses the thread elsewhere, from a worker thread (the signal follows the forking thread), without setpriv, or when asked', () => {
    assert.equal(parentDeathMode(facts({ platform: 'darwin' })), 'thread');
    assert.equal(parentDeathMode(facts({ isMainThread: false })), 'thread');
    assert.equal(parentDeathMode(facts({ setprivWorks: () => false })), 'thread');
    assert.equal(parentDeathMode(facts({ requested: 'thread' })), 'thread');
  });

  it('runs setpriv only when the rest allows the signal', () => {
    let asked = 0;
    parentDeathMode(facts({ platform: 'win32', setprivWorks: () => ++asked > 0 }));
    parentDeathMode(facts({ requested: 'thread', setprivWorks: () => ++asked > 0 }));
    assert.equal(asked, 0);
  });
});
