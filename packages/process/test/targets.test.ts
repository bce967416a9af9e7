import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Process } from '@multiproc/process';
import { CounterProcess } from './fixtures/counter-process.mjs';
import { record, throwCoded } from './fixtures/targets.mjs';
import { area } from './fixtures/ts-target.js';
import { fixtureUrl, readJson, runProgram, tempDir } from './helpers.js';

const tmp = tempDir();
after(() => tmp.cleanup());

describe('Process targets', () => {
  it('imports a function that the call site imported from another module', async () => {
    const file = tmp.file('imported.json');
    const p = new Process({ target: record, args: [file, 'imported'] }).start();
    await p.join();
    assert.equal(p.exitCode, 0);
    assert.deepEqual((readJson(file) as { values: unknown[] }).values, ['imported']);
  });

  it('sends a self-contained function by its source', async () => {
    const file = tmp.file('source.json');
    const p = new Process({
      target: (path: string, n: number) => {
        // Only globals here: this function travels as text.
        return import('node:fs').then((fs) => fs.writeFileSync(path, JSON.stringify({ doubled: n * 2 })));
      },
      args: [file, 21],
    }).start();
    await p.join();
    assert.equal(p.exitCode, 0);
    assert.deepEqual(readJson(file), { doubled: 42 });
  });

  it('takes a named export of an explicit module', async () => {
    const file = tmp.file('named.json');
    const p = new Process({ target: 'record', module: fixtureUrl('targets.mjs'), args: [file, 'by name'] }).start();
    await p.join();
    assert.deepEqual((readJson(file) as { values: unknown[] }).values, ['by name']);
  });

  it('runs a TypeScript target when the parent runs under tsx (execArgv is inherited)', async () => {
    const file = tmp.file('ts.json');
    const p = new Process({ target: area, args: [file, { kind: 'square', side: 3 }] }).start();
    await p.join();
    assert.equal(p.exitCode, 0);
    assert.deepEqual(readJson(file), { area: 9 });
  });

  it('rebuilds a Process subclass with its fields and calls its async run()', async () => {
    const file = tmp.file('subclass.json');
    const p = new CounterProcess(file, 3);
    p.start();
    await p.join();
    assert.equal(p.exitCode, 0);
    const seen = readJson(file) as Record<string, unknown>;
    assert.deepEqual(seen, {
      out: [0, 1, 2],
      isMap: true,
      date: '1970-01-01T00:00:00.000Z',
      cls: 'CounterProcess',
      name: 'counter',
      pid: p.pid,
      self: true,
    });
  });

  it('a target that throws exits with code 1', async () => {
    const p = new Process({ target: throwCoded, args: ['bad input'] }).start();
    await p.join();
    assert.equal(p.exitCode, 1);
  });

  it('a missing export fails in the child with ERR_TARGET_NOT_FOUND', async () => {
    const p = new Process({ target: 'noSuchExport', module: fixtureUrl('targets.mjs') }).start();
    await p.join();
    assert.equal(p.exitCode, 1);
  });

  it('prints a failing target’s error with its stack on the child’s stderr', async () => {
    const result = await runProgram('uses-import.mjs');
    assert.equal(result.code, 0);
    assert.deepEqual(result.lines, ['exitCode 1']);
    assert.match(result.stderr, /ERR_TARGET_NOT_FOUND/);
    assert.match(result.stderr, /sent to the child by its source/);
    assert.match(result.stderr, /writeFileSync/);
    assert.match(result.stderr, /Export the function/);
  });

  it('a module that starts processes without a main guard fails with ERR_PROCESS_BOOTSTRAP instead of forking without end', async () => {
    const result = await runProgram('unguarded.mjs');
    assert.equal(result.code, 0);
    assert.deepEqual(result.lines, ['exitCode 1']);
    assert.match(result.stderr, /ERR_PROCESS_BOOTSTRAP/);
    assert.match(result.stderr, /isMainModule\(import\.meta\)/);
    assert.doesNotMatch(result.stdout, /work ran/);
  });
});
