import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Process, activeChildren, cpuCount, currentProcess, isMainModule, parentProcess } from '@multiproc/process';
import { middle } from './fixtures/grandchild.mjs';
import { record, sleepFor } from './fixtures/targets.mjs';
import { readJson, tempDir } from './helpers.js';

const tmp = tempDir();
after(() => tmp.cleanup());

describe('current process, parent, children', () => {
  it('in the main process: MainProcess, no parent, and this test file is its entry module', () => {
    const me = currentProcess();
    assert.equal(me.name, 'MainProcess');
    assert.equal(me.pid, process.pid);
    assert.equal(me.isAlive(), true);
    assert.equal(parentProcess(), undefined);
    assert.throws(() => me.start(), { code: 'ERR_INVALID_STATE' });
    assert.ok(cpuCount() >= 1);
    assert.equal(isMainModule(import.meta), true);
    assert.equal(isMainModule({ url: 'file:///nowhere.js' }), false);
  });

  it('in a child: its own name and daemon flag, and its parent’s pid and name', async () => {
    const file = tmp.file('child.json');
    const p = new Process({ target: record, args: [file], name: 'reporter', daemon: true }).start();
    await p.join();
    assert.deepEqual(readJson(file), { pid: p.pid, name: 'reporter', daemon: true, parentPid: process.pid, parentName: 'MainProcess', values: [] });
  });

  it('a grandchild is named after its place in the tree and knows its parent', async () => {
    const file = tmp.file('grandchild.json');
    const p = new Process({ target: middle, args: [file] }).start();
    await p.join();
    assert.equal(p.exitCode, 0);
    const seen = readJson(file) as { name: string; parentName: string; parentPid: number; ppid: number };
    const own = /^Process-(\d+)$/.exec(p.name)![1];
    assert.equal(seen.name, `Process-${own}:1`);
    assert.equal(seen.parentName, p.name);
    assert.equal(seen.parentPid, p.pid);
    assert.equal(seen.ppid, p.pid);
  });

  it('activeChildren() lists started children until they exit', async () => {
    const p = new Process({ target: sleepFor, args: [200] }).start();
    assert.ok(activeChildren().includes(p));
    await p.join();
    assert.ok(!activeChildren().includes(p));
  });
});
