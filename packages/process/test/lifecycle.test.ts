import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { Process } from '@multiproc/process';
import { exitWith, ignoreSigterm, record, sleepFor } from './fixtures/targets.mjs';
import { readJson, tempDir } from './helpers.js';

const execFileAsync = promisify(execFile);
const tmp = tempDir();
after(() => tmp.cleanup());

describe('Process lifecycle', () => {
  it('sets pid when start() returns, runs the target with its args, and join() gives exit code 0', async () => {
    const file = tmp.file('basic.json');
    const p = new Process({ target: record, args: [file, 1, 'two', { three: 3 }] });
    assert.equal(p.pid, undefined);
    assert.equal(p.exitCode, null);
    assert.equal(p.isAlive(), false);
    assert.equal(p.start(), p);
    assert.equal(typeof p.pid, 'number');
    assert.equal(p.isAlive(), true);
    await p.join();
    assert.equal(p.exitCode, 0);
    assert.equal(p.signalCode, null);
    assert.equal(p.isAlive(), false);
    const seen = readJson(file) as { pid: number; values: unknown[] };
    assert.equal(seen.pid, p.pid);
    assert.deepEqual(seen.values, [1, 'two', { three: 3 }]);
  });

  it('join({ timeout }) resolves while the child still runs, leaving exitCode null', async () => {
    const p = new Process({ target: sleepFor, args: [60_000] }).start();
    await p.join({ timeout: 50 });
    assert.equal(p.exitCode, null);
    assert.equal(p.isAlive(), true);
    p.kill();
    await p.join();
    assert.equal(p.exitCode, -9);
    assert.equal(p.signalCode, 'SIGKILL');
  });

  it('join({ signal }) rejects with ERR_ABORTED and leaves the child running', async () => {
    const p = new Process({ target: sleepFor, args: [60_000] }).start();
    const controller = new AbortController();
    const joining = p.join({ signal: controller.signal });
    controller.abort(new Error('stop waiting'));
    await assert.rejects(joining, { code: 'ERR_ABORTED' });
    assert.equal(p.isAlive(), true);
    p.kill();
    await p.join();
  });

  it('terminate() sends SIGTERM: exitCode -15, signalCode SIGTERM', async () => {
    const p = new Process({ target: sleepFor, args: [60_000] }).start();
    await sleepFor(300);
    p.terminate();
    await p.join();
    assert.equal(p.exitCode, -15);
    assert.equal(p.signalCode, 'SIGTERM');
  });

  it('terminate() escalates to SIGKILL when the child ignores SIGTERM', async () => {
    const ready = tmp.file('sigterm-handler-ready');
    const p = new Process({ target: ignoreSigterm, args: [60_000, ready] }).start();
    // Once the child has installed its SIGTERM handler (a slow machine may take seconds to boot it).
    for (const until = Date.now() + 20_000; !existsSync(ready) && Date.now() < until; ) await sleepFor(20);
    p.terminate({ graceMs: 200 });
    await p.join({ timeout: 20_000 });
    assert.equal(p.signalCode, 'SIGKILL');
  });

  it('process.exit(n) in the target gives exit code n', async () => {
    const p = new Process({ target: exitWith, args: [7] }).start();
    await p.join();
    assert.equal(p.exitCode, 7);
  });

  it('refuses misuse with ERR_INVALID_STATE or ERR_INVALID_ARGUMENT', async () => {
    const p = new Process({ target: sleepFor, args: [10] });
    await assert.rejects(p.join(), { code: 'ERR_INVALID_STATE' });
    assert.throws(() => p.terminate(), { code: 'ERR_INVALID_STATE' });
    p.start();
    assert.throws(() => p.start(), { code: 'ERR_INVALID_STATE', message: /only be started once/ });
    assert.throws(() => (p.daemon = true), { code: 'ERR_INVALID_STATE' });
    assert.throws(() => p.close(), { code: 'ERR_INVALID_STATE', message: /still running/ });
    await p.join();
    p.close();
    assert.throws(() => new Process({ target: 42 as never }), { code: 'ERR_INVALID_ARGUMENT' });
    assert.throws(() => new Process({ args: 'x' as never }), { code: 'ERR_INVALID_ARGUMENT' });
    await assert.rejects(new Process({ target: sleepFor }).start().join({ timeout: -1 }), { code: 'ERR_INVALID_ARGUMENT' });
  });

  it('after close(), only name, pid, exitCode and signalCode answer; the rest throw ERR_CLOSED', async () => {
    const p = new Process({ target: exitWith, args: [3], name: 'closing' }).start();
    await p.join();
    p.close();
    p.close(); // twice: nothing more to release
    assert.equal(p.name, 'closing');
    assert.equal(typeof p.pid, 'number');
    assert.equal(p.exitCode, 3);
    assert.equal(p.signalCode, null);
    assert.throws(() => p.isAlive(), { code: 'ERR_CLOSED', message: /Process\.isAlive\(\): closing was closed/ });
    await assert.rejects(p.join(), { code: 'ERR_CLOSED' });
    assert.throws(() => p.terminate(), { code: 'ERR_CLOSED' });
    assert.throws(() => p.kill(), { code: 'ERR_CLOSED' });
    assert.throws(() => p.start(), { code: 'ERR_CLOSED' });
    await p[Symbol.asyncDispose]();
  });

  it('start() throws ERR_ENCODE for arguments that cannot be sent, and leaves no child behind', () => {
    const p = new Process({ target: record, args: [() => 1] });
    assert.throws(() => p.start(), { code: 'ERR_ENCODE' });
    assert.equal(p.pid, undefined);
    assert.equal(p.isAlive(), false);
  });

  it('names processes Process-N, and daemon defaults to false', () => {
    const a = new Process();
    const b = new Process({ name: 'worker', daemon: true });
    assert.match(a.name, /^Process-\d+$/);
    assert.equal(b.name, 'worker');
    assert.equal(a.daemon, false);
    assert.equal(b.daemon, true);
    a.name = 'renamed';
    assert.equal(a.name, 'renamed');
    assert.match(String(b), /<Process name='worker' initial daemon>/);
  });

});

describe('Process started from code given on the command line', () => {
  it('a program run by `node --input-type=module -e` (or `-p -e`) starts children: they do not inherit the code, --input-type or -p', async () => {
    const targets = new URL('./fixtures/targets.mjs', import.meta.url).href;
    const code = `
      import { Process } from '@multiproc/process';
      import { exitWith } from ${JSON.stringify(targets)};
      const child = new Process({ target: exitWith, args: [7] });
      child.start();
      await child.join();
      console.log('child exit code', child.exitCode);
    `;
    const cwd = fileURLToPath(new URL('..', import.meta.url));
    for (const flags of [['--input-type=module', '-e'], ['--input-type', 'module', '--eval']]) {
      const { stdout, stderr } = await execFileAsync(process.execPath, [...flags, code], { cwd, timeout: 30_000 });
      assert.equal(stdout, 'child exit code 7\n', `${flags.join(' ')}: ${stderr}`);
    }
    // -p as a switch before -e (CommonJS input: -p takes no module code): the code goes, -p too.
    const script = `(async () => { const { Process } = await import('@multiproc/process'); const { exitWith } = await import(${JSON.stringify(targets)});
      const child = new Process({ target: exitWith, args: [7] }); child.start(); await child.join(); console.log('child exit code', child.exitCode); })()`;
    for (const flags of [['-p', '-e'], ['--print', '--eval']]) {
      const { stdout, stderr } = await execFileAsync(process.execPath, [...flags, script], { cwd, timeout: 30_000 });
      assert.match(stdout, /^child exit code 7$/m, `${flags.join(' ')}: ${stderr}`);
    }
  });
});
