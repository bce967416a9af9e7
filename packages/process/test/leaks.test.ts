// In a file of its own, so the baseline is not disturbed by other tests' children still exiting.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Process } from '@multiproc/process';
import { sleepFor } from './fixtures/targets.mjs';

// The kinds of resource a Process creates: the child, its pipes, timers.
const OURS = new Set(['ProcessWrap', 'PipeWrap', 'TCPWrap', 'Timeout', 'MessagePort']);
const resources = () => process.getActiveResourcesInfo().filter((r) => OURS.has(r)).sort();

describe('Process resources', () => {
  it('await using terminates a running child and leaves nothing open', async () => {
    const before = resources();
    let pid: number | undefined;
    {
      await using p = new Process({ target: sleepFor, args: [60_000] }).start();
      pid = p.pid;
    }
    assert.equal(typeof pid, 'number');
    await sleepFor(50);
    const afterwards = resources();
    assert.deepEqual(afterwards, before);
  });

  it('a joined child leaves no handle, socket or listener behind', async () => {
    const before = resources();
    const listeners = process.listenerCount('exit') + process.listenerCount('SIGTERM');
    const p = new Process({ target: sleepFor, args: [10] }).start();
    await p.join();
    await sleepFor(50);
    assert.deepEqual(resources(), before);
    assert.equal(process.listenerCount('exit') + process.listenerCount('SIGTERM'), listeners);
  });
});
