// Crash accounting: what a worker's exit means for the tasks it held (pure, no processes).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TaskKind } from '../src/engine.js';
import { accountExit, type ExitFacts } from '../src/local/crash-accounting.js';
import { newTask, type Task } from '../src/local/task.js';
import { WorkerState } from '../src/local/worker-slot.js';

const task = (id: number, retries = 0): Task => newTask(id, 0, TaskKind.Call, [], () => {}, undefined, retries);
const facts = (over: Partial<ExitFacts>): ExitFacts => ({
  state: WorkerState.Ready,
  wasReady: true,
  killedFor: undefined,
  held: [],
  exitCode: null,
  signal: 'SIGKILL',
  startupFailures: 0,
  maxStartupFailures: 3,
  ...over,
});

describe('crash accounting', () => {
  it('a ready worker that died: the oldest task it held fails, the others go back in order', () => {
    const [a, b, c] = [task(1), task(2), task(3)];
    const outcome = accountExit(facts({ held: [a!, b!, c!] }));
    assert.equal(outcome.crashedTask, a);
    assert.deepEqual(outcome.requeue, [b, c]);
    assert.equal(outcome.crashed, true);
    assert.equal(outcome.planned, false);
    assert.equal(outcome.retried, undefined);
  });

  it('with retries left, the running task goes back first, ahead of the others', () => {
    const [a, b] = [task(1, 1), task(2)];
    const outcome = accountExit(facts({ held: [a!, b!] }));
    assert.equal(outcome.crashedTask, undefined);
    assert.equal(outcome.retried, a);
    assert.deepEqual(outcome.requeue, [a, b]);
    assert.equal(outcome.crashed, true);
  });

  it('killed by the pool to end a task (timeout, abort): planned; the rest go back; nothing fails', () => {
    const [a, b] = [task(1), task(2)];
    const outcome = accountExit(facts({ state: WorkerState.Killed, killedFor: a, held: [b!] }));
    assert.deepEqual(outcome, { requeue: [b], crashedTask: undefined, retried: undefined, crashed: false, planned: true, startupFailures: 0, broken: false });
  });

  it('killed by the pool for a result it could not read, with nothing running: planned, not a crash', () => {
    const outcome = accountExit(facts({ state: WorkerState.Killed }));
    assert.deepEqual([outcome.planned, outcome.crashed], [true, false]);
  });

  it('a retiring worker that left with nothing held: planned, not a crash; one that died with tasks: a crash', () => {
    assert.deepEqual(accountExit(facts({ state: WorkerState.Retiring, exitCode: 0, signal: null })).planned, true);
    const a = task(1);
    const outcome = accountExit(facts({ state: WorkerState.Retiring, held: [a] }));
    assert.equal(outcome.planned, false);
    assert.equal(outcome.crashedTask, a);
  });

  it('an idle worker that died: a crash unless it exited with code 0', () => {
    assert.equal(accountExit(facts({ exitCode: 1, signal: null })).crashed, true);
    assert.equal(accountExit(facts({ exitCode: 0, signal: null })).crashed, false);
    assert.equal(accountExit(facts({})).crashed, true);
  });

  it('a worker that failed to start counts; the pool breaks at maxStartupFailures; its tasks go back', () => {
    const a = task(1);
    const first = accountExit(facts({ state: WorkerState.Starting, wasReady: false, exitCode: 1, signal: null, held: [a] }));
    assert.deepEqual([first.startupFailures, first.broken, first.crashedTask], [1, false, undefined]);
    assert.deepEqual(first.requeue, [a]);
    const third = accountExit(facts({ state: WorkerState.Starting, wasReady: false, exitCode: 1, signal: null, startupFailures: 2 }));
    assert.deepEqual([third.startupFailures, third.broken], [3, true]);
  });

  it('a worker killed from outside while starting did not fail to start; one that faulted did', () => {
    for (const signal of ['SIGKILL', 'SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
      const outcome = accountExit(facts({ state: WorkerState.Starting, wasReady: false, signal, startupFailures: 2 }));
      assert.deepEqual([outcome.startupFailures, outcome.broken], [2, false], signal);
    }
    const segv = accountExit(facts({ state: WorkerState.Starting, wasReady: false, signal: 'SIGSEGV', startupFailures: 2 }));
    assert.deepEqual([segv.startupFailures, segv.broken], [3, true]);
  });

  it('a worker told to leave before it was ready (close) did not fail to start', () => {
    const outcome = accountExit(facts({ state: WorkerState.Retiring, wasReady: false, exitCode: 0, signal: null, startupFailures: 2 }));
    assert.deepEqual([outcome.startupFailures, outcome.broken], [2, false]);
  });
});
