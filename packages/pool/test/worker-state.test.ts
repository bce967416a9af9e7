// A worker's one state field: every transition the engine makes, and those it must never make.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Connection } from '@multiproc/pipe';
import type { Process } from '@multiproc/process';
import { WorkerSlot, WorkerState } from '../src/local/worker-slot.js';

const slot = () => {
  const kills: number[] = [];
  const process = { kill: () => kills.push(1) } as unknown as Process;
  return { worker: new WorkerSlot(process, {} as Connection<never>, undefined), kills };
};
const { Starting, Ready, Retiring, Killed, Exited } = WorkerState;

describe('worker state', () => {
  it('starting → ready → retiring → killed → exited, each step once', () => {
    const { worker } = slot();
    assert.equal(worker.state, Starting);
    assert.equal(worker.open, false);
    assert.equal(worker.to(Ready), true);
    assert.equal(worker.open, true);
    assert.equal(worker.wasReady, true);
    assert.equal(worker.to(Ready), false, 'ready twice');
    assert.equal(worker.to(Retiring), true);
    assert.equal(worker.open, false);
    assert.equal(worker.to(Ready), false, 'a retiring worker never takes tasks again');
    assert.equal(worker.to(Killed), true);
    assert.equal(worker.to(Retiring), false);
    assert.equal(worker.to(Exited), true);
    for (const next of [Starting, Ready, Retiring, Killed, Exited]) assert.equal(worker.to(next), false, `exited → ${next}`);
  });

  it('a starting worker may retire (close), be killed, or exit; then it never was ready', () => {
    for (const next of [Retiring, Killed, Exited]) {
      const { worker } = slot();
      assert.equal(worker.to(next), true);
      assert.equal(worker.wasReady, false);
      assert.equal(worker.to(Ready), false);
    }
  });

  it('kill() kills its process once and remembers the task it was killed to end; not after it exited', () => {
    const { worker, kills } = slot();
    worker.to(Ready);
    const task = {} as never;
    worker.kill(task);
    worker.kill();
    assert.equal(kills.length, 1);
    assert.equal(worker.killedFor, task);
    const gone = slot();
    gone.worker.to(Exited);
    gone.worker.kill();
    assert.equal(gone.kills.length, 0);
  });
});
