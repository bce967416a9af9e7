// The scheduler, the run estimates and the queue: pure, no processes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TaskKind } from '../src/engine.js';
import { RunEstimates } from '../src/local/run-estimates.js';
import { schedule, type SchedulerPolicy, type WorkerLoad } from '../src/local/scheduler.js';
import { newTask, settle, watchAbort, type Task } from '../src/local/task.js';
import { TaskQueue } from '../src/local/task-queue.js';

let nextId = 0;
const task = (fnId = 0, timeout?: number): Task => newTask(++nextId, fnId, TaskKind.Call, [], () => {}, timeout, 0);
const queueOf = (tasks: Task[]) => {
  const queue = new TaskQueue();
  for (const t of tasks) queue.push(t);
  return queue;
};
const worker = (name: string, held = 0, open = true, assigned = 0, running?: Task): WorkerLoad & { name: string } => {
  const inflight = Array.from({ length: held }, (_, i) => (i === 0 && running ? running : task()));
  return { name, inflight, assigned, open, running: running ?? inflight[0] };
};
/** Estimates where function 0 is tiny (0.01 ms), function 1 long (5 ms), and recent runs 0.01 ms (batches of 200). */
const known = () => {
  const estimates = new RunEstimates();
  for (let i = 0; i < 200; i++) estimates.record(1, 5);
  for (let i = 0; i < 200; i++) estimates.record(0, 0.01);
  return estimates;
};
const policy = (over: Partial<SchedulerPolicy> = {}): SchedulerPolicy => ({ cores: 2, maxTasksPerChild: 0, estimates: known(), ...over });
const takes = <W extends { name: string }>(plan: { assignments: Array<{ worker: W; take: number }> } | undefined) =>
  plan?.assignments.map(({ worker, take }) => [worker.name, take]);

describe('scheduler', () => {
  it('nothing to do: an empty queue, or no open worker low enough', () => {
    assert.equal(schedule(new TaskQueue(), new Set([worker('a')]), policy(), false), undefined);
    const tasks = Array.from({ length: 8 }, () => task());
    // (8 queued + 26 held) / 2 = a share of 17: each holds 13, more than 3/4 of it.
    assert.equal(schedule(queueOf(tasks), new Set([worker('a', 13), worker('b', 13)]), policy(), false), undefined, 'each holds enough');
    assert.equal(schedule(queueOf(tasks), new Set([worker('a', 0, false)]), policy(), false), undefined, 'no worker is open');
  });

  it('a function not run yet goes one task per worker (it may be long)', () => {
    const queue = queueOf(Array.from({ length: 10 }, () => task(7)));
    assert.deepEqual(takes(schedule(queue, new Set([worker('a'), worker('b')]), policy(), false)), [['a', 1], ['b', 1]]);
  });

  it('a fair share of the work outstanding, counting starting workers; the least loaded first; a worker is refilled below 3/4 of its share', () => {
    const tasks = Array.from({ length: 12 }, () => task());
    const workers = new Set([worker('busy', 4), worker('idle'), worker('starting', 0, false)]);
    // (12 queued + 4 held) / 3 workers = share of 6; busy holds 4 <= 4.5: it gets 2, idle 6.
    assert.deepEqual(takes(schedule(queueOf(tasks), workers, policy({ cores: 8 }), false)), [['idle', 6], ['busy', 2]]);
    const full = new Set([worker('busy', 5), worker('idle'), worker('starting', 0, false)]);
    // (12 + 5) / 3 = share of 6; busy holds 5 > 4.5: not refilled.
    assert.deepEqual(takes(schedule(queueOf(tasks), full, policy({ cores: 8 }), false)), [['idle', 6]]);
  });

  it('long tasks go one at a time, to every worker', () => {
    const queue = queueOf(Array.from({ length: 10 }, () => task(1)));
    const estimates = new RunEstimates();
    for (let i = 0; i < 10; i++) estimates.record(1, 5);
    assert.deepEqual(takes(schedule(queue, new Set([worker('a'), worker('b'), worker('c')]), policy({ estimates }), false)), [['a', 1], ['b', 1], ['c', 1]]);
  });

  it('tiny tasks on more workers than cores go to the first open workers, one per core; one busy with a long task does not count', () => {
    const tasks = Array.from({ length: 40 }, () => task(0));
    const four = () => [worker('a'), worker('b'), worker('c'), worker('d')];
    assert.deepEqual(takes(schedule(queueOf(tasks), new Set(four()), policy(), false)), [['a', 20], ['b', 20]]);
    const [a, b, c, d] = four();
    const longBusy = worker('a', 1, true, 0, task(1));
    assert.deepEqual(takes(schedule(queueOf(tasks), new Set([longBusy, b!, c!, d!]), policy(), false)), [['b', 21], ['c', 19]]);
    void a;
  });

  it('concentrated, a task that is not tiny stops the batch and asks for another dispatch', () => {
    const tasks = [task(0), task(0), task(1), task(0)];
    const plan = schedule(queueOf(tasks), new Set([worker('a'), worker('b'), worker('c')]), policy(), false);
    assert.deepEqual(takes(plan), [['a', 2]]);
    assert.equal(plan?.again, true);
  });

  it('an eager dispatch stops before a task with a timeout or an abort signal', () => {
    const signalled = task(0);
    watchAbort(signalled, () => {});
    for (const watched of [task(0, 50), signalled]) {
      const tasks = [task(0), watched, task(0)];
      assert.deepEqual(takes(schedule(queueOf(tasks), new Set([worker('a')]), policy(), true)), [['a', 1]]);
      assert.deepEqual(takes(schedule(queueOf(tasks), new Set([worker('a')]), policy(), false)), [['a', 3]], 'a scheduled one sends it');
    }
  });

  it('settled tasks are taken out without using room; maxTasksPerChild caps what a worker gets', () => {
    const tasks = [task(0), task(0), task(0), task(0)];
    settle(tasks[0]!, false, new Error('aborted'));
    settle(tasks[1]!, false, new Error('aborted'));
    const estimates = known();
    const one = new Set([worker('a')]);
    assert.deepEqual(takes(schedule(queueOf(tasks), one, policy({ estimates, maxTasksPerChild: 3 }), false)), [['a', 4]]);
    assert.deepEqual(takes(schedule(queueOf(tasks), new Set([worker('a', 0, true, 2)]), policy({ estimates, maxTasksPerChild: 3 }), false)), [['a', 3]]);
  });
});

describe('run estimates', () => {
  it('batches of one until the function has run; then about 2 ms of work, at most 1 024', () => {
    const estimates = new RunEstimates();
    assert.equal(estimates.batchCap(0), 1);
    estimates.record(0, 0.5);
    assert.equal(estimates.batchCap(0), 4);
    assert.equal(estimates.batchCap(1), 1, 'another function not run yet');
    for (let i = 0; i < 50; i++) estimates.record(0, 0);
    assert.equal(estimates.batchCap(0), 1024);
  });

  it('a function is tiny once its runs are short; one slow run does not make it long', () => {
    const estimates = new RunEstimates();
    assert.equal(estimates.isTiny(0), false);
    estimates.record(0, 0.01);
    assert.equal(estimates.isTiny(0), true);
    estimates.record(0, 10);
    assert.equal(estimates.isTiny(0), true);
    for (let i = 0; i < 40; i++) estimates.record(0, 10);
    assert.equal(estimates.isTiny(0), false);
  });
});

describe('task queue', () => {
  it('shifts in order, puts tasks back at the head in order, and stays right across compactions', () => {
    const queue = new TaskQueue();
    const tasks = Array.from({ length: 3000 }, () => task());
    for (const t of tasks) queue.push(t);
    for (let i = 0; i < 2500; i++) assert.equal(queue.shift(), tasks[i]);
    assert.equal(queue.length, 500);
    queue.requeue([tasks[0]!, tasks[1]!]);
    assert.deepEqual([queue.at(0), queue.at(1), queue.at(2)], [tasks[0], tasks[1], tasks[2500]]);
    assert.equal(queue.length, 502);
  });
});
