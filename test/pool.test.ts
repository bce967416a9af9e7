// The pool with real worker processes: results, errors, and every way a task or worker can fail.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import diagnostics from 'node:diagnostics_channel';
import { after, describe, it } from 'node:test';
import { AsyncResult, cpuCount, Pool, Queue, WorkerCrashedError } from 'multiproc';
import { add, blob, lengthOf, zeroes, brokenInit, busyWhoAmI, double, doubleBut13, spinUntilExists, touchAndWhoAmI, execArgvHere, hoardMemory, exitNow, fail, flaky, greet, init, mark, putThenReturn, reportThenSleep, sleepThen, spin, spinAfterReporting, spinUntil, whoAmI } from './fixtures/pool-tasks.mjs';

const dir = mkdtempSync(join(tmpdir(), 'multiproc-pool-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('Pool results', () => {
  it('apply, map (in order, any chunksize), starmap, imap, imapUnordered', async () => {
    await using pool = new Pool({ processes: 2 });
    assert.equal(await pool.apply(double, [21]), 42);
    const items = Array.from({ length: 100 }, (_, i) => i);
    assert.deepEqual(await pool.map(double, items), items.map((i) => i * 2));
    assert.deepEqual(await pool.map(double, items, { chunksize: 7 }), items.map((i) => i * 2));
    assert.deepEqual(await pool.starmap(add, [[1, 2], [3, 4]]), [3, 7]);
    const ordered: number[] = [];
    for await (const v of pool.imap(double, items, { chunksize: 3 })) ordered.push(v);
    assert.deepEqual(ordered, items.map((i) => i * 2));
    const unordered: number[] = [];
    for await (const v of pool.imapUnordered(double, items)) unordered.push(v);
    assert.deepEqual(unordered.sort((a, b) => a - b), items.map((i) => i * 2));
    assert.deepEqual(await pool.map(double, []), []);
  });

  it('calls with 0 to 6 args, submitted at once (one batch), each get exactly their args; map and starmap items too', async () => {
    await using pool = new Pool({ processes: 1 });
    const echo = (...args: unknown[]) => [args.length, ...args];
    const shared = { shared: true };
    const calls: unknown[][] = [[], [undefined], [1, 'two'], [null, [3], { four: 4 }], [1, 2, 3, 4], [shared, shared, undefined, 'x', 5n], [[1, [2]], {}, 0, 1.5, '', false]];
    const results = await Promise.all([...calls, ...calls].map((args) => pool.apply(echo, args)));
    assert.deepEqual(results, [...calls, ...calls].map((args) => [args.length, ...args]));
    assert.equal((results[5]![1] as object), results[5]![2], 'an object twice among one call\'s args arrives as one object');
    const items = [undefined, [1], { a: 1 }, 'x', 7];
    assert.deepEqual(await pool.map(echo, items, { chunksize: 2 }), items.map((item) => [1, item]));
    assert.deepEqual(await pool.starmap(echo, [[], [1], [1, 2, 3, 4, 5]]), [[0], [1, 1], [5, 1, 2, 3, 4, 5]]);
  });

  it('applyAsync returns an AsyncResult and calls its callbacks', async () => {
    await using pool = new Pool({ processes: 1 });
    let called: unknown;
    const result = pool.applyAsync(sleepThen, [50, 'late'], { callback: (v) => (called = v) });
    assert.ok(result instanceof AsyncResult);
    assert.equal(result.ready(), false);
    assert.throws(() => result.successful());
    await assert.rejects(result.get({ timeout: 1 }), { code: 'ERR_TIMEOUT' });
    assert.equal(await result.get(), 'late');
    assert.equal(result.successful(), true);
    assert.equal(called, 'late');
    let failed: unknown;
    const bad = pool.applyAsync(fail, ['boom'], { errorCallback: (e) => (failed = e) });
    await bad.wait();
    assert.equal(bad.successful(), false);
    assert.ok(failed instanceof TypeError);
    assert.deepEqual(await pool.mapAsync(double, [1, 2]), [2, 4]);
  });

  it('apply() with args that are not an array rejects ERR_INVALID_ARGUMENT, alone: tasks submitted around it, at once, all run', async () => {
    await using pool = new Pool({ processes: 2 });
    for (let i = 0; i < 500; i++) await pool.apply(double, [i]);
    for (const args of [null, {}, new Set([1]), 'x']) {
      await assert.rejects(pool.apply(double, args as unknown as unknown[]), { code: 'ERR_INVALID_ARGUMENT', message: /Pool\.apply\(\): args must be an array/ });
    }
    const around = Array.from({ length: 600 }, (_, i) => (i === 1 ? pool.apply(double, null as unknown as unknown[]).catch((e: { code?: string }) => e.code) : pool.apply(double, [i])));
    const results = await Promise.all(around);
    assert.equal(results[1], 'ERR_INVALID_ARGUMENT');
    assert.deepEqual(results.filter((_, i) => i !== 1), Array.from({ length: 600 }, (_, i) => i * 2).filter((_, i) => i !== 1));
  });

  it('a task that throws rejects with the same class, its message, the worker’s stack and the cause', async () => {
    await using pool = new Pool({ processes: 1 });
    const error = await pool.apply(fail, ['bad input']).catch((e: unknown) => e);
    assert.ok(error instanceof TypeError);
    assert.equal((error as Error).message, 'bad input');
    assert.match((error as Error).stack!, /pool-tasks\.mjs/);
    assert.ok((error as Error).cause instanceof RangeError);
    assert.equal(await pool.apply(double, [1]), 2, 'the worker survives a throwing task');
  });

  it('runs the initializer with initargs in every worker', async () => {
    await using pool = new Pool({ processes: 2, initializer: init, initargs: ['hello from init'] });
    assert.deepEqual(await Promise.all([1, 2, 3, 4].map(() => pool.apply(greet))), Array(4).fill('hello from init'));
  });

  it('execArgv sets the workers\' Node flags (they inherit this process\'s by default)', async () => {
    await using pool = new Pool({ processes: 1, execArgv: ['--max-old-space-size=123'] });
    assert.deepEqual(await pool.apply(execArgvHere, []), ['--max-old-space-size=123']);
    await using inheriting = new Pool({ processes: 1 });
    assert.deepEqual(await inheriting.apply(execArgvHere, []), process.execArgv);
  });

  it('tasks may take and return shared objects (a Queue)', async () => {
    await using pool = new Pool({ processes: 2 });
    const queue = new Queue<string>();
    assert.equal(await pool.apply(putThenReturn, [queue, 'via the pool']), 'via the pool');
    assert.equal(await queue.get({ timeout: 10_000 }), 'via the pool');
  });
});

/** This process's pools' journal directories (in shared memory, or else the temporary directory). */
function journalDirs(): string[] {
  return ['/dev/shm', tmpdir()].flatMap((base) => {
    try {
      return readdirSync(base).filter((name) => name.startsWith(`multiproc-journal-${process.pid}-`)).map((name) => join(base, name));
    } catch {
      return [];
    }
  });
}

describe('Pool failures', () => {
  it('a worker SIGKILLed mid-task: only its task rejects with WorkerCrashedError; the pool replaces it and goes on', async () => {
    await using pool = new Pool({ processes: 2 });
    const pids = new Queue<number>();
    const victim = pool.apply(spinAfterReporting, [pids]);
    const bystander = pool.apply(sleepThen, [300, 'unharmed']);
    const pid = await pids.get({ timeout: 30_000 });
    process.kill(pid, 'SIGKILL');
    const error = (await victim.catch((e: unknown) => e)) as WorkerCrashedError;
    assert.ok(error instanceof WorkerCrashedError);
    assert.equal(error.code, 'ERR_WORKER_CRASHED');
    assert.equal(error.pid, pid);
    assert.equal(error.signal, 'SIGKILL');
    assert.equal(error.task.fn, 'spinAfterReporting');
    assert.equal(await bystander, 'unharmed');
    assert.equal(await pool.apply(double, [5]), 10);
    assert.equal(pool.stats().crashed, 1);
  });

  it('after a stream of tiny tasks, a crash is blamed on the task that crashed, not on a finished one', async () => {
    await using pool = new Pool({ processes: 1 });
    await Promise.all(Array.from({ length: 2000 }, (_, i) => pool.apply(double, [i])));
    const tiny = pool.apply(double, [1]);
    const crash = pool.apply(exitNow, [4]);
    assert.equal(await tiny, 2);
    await assert.rejects(crash, (e: WorkerCrashedError) => e.code === 'ERR_WORKER_CRASHED' && e.exitCode === 4);
    assert.equal(pool.stats().crashed, 1, 'the crashing task ran once');
  });

  it('a task that SIGKILLs its worker mid-batch: the tasks before it keep their results (they ran once), only it rejects, the ones after run elsewhere', async () => {
    await using pool = new Pool({ processes: 1 });
    const log = join(dir, 'mid-batch.log');
    // The worker is up, has `mark` loaded and knows it is quick (400 runs): the next tasks go to it in one
    // batch and run without a pause, so their results are only in its journal when it dies.
    for (let i = 0; i < 400; i++) await pool.apply(mark, [join(dir, 'warm-up.log'), 'warm']);
    const before = ['a', 'b', 'c'].map((v) => pool.apply(mark, [log, v]));
    const crash = pool.apply(mark, [log, 'boom', true]);
    const afterIt = pool.apply(mark, [log, 'd']);
    assert.deepEqual(await Promise.all(before), ['a', 'b', 'c']);
    await assert.rejects(crash, (e: WorkerCrashedError) => e.code === 'ERR_WORKER_CRASHED' && e.signal === 'SIGKILL');
    assert.equal(await afterIt, 'd');
    assert.deepEqual(readFileSync(log, 'utf8').trim().split('\n').sort(), ['a', 'b', 'boom', 'c', 'd'], 'each task ran exactly once');
    assert.equal(pool.stats().crashed, 1);
  });

  it('a task sent again after its worker died reports the time it waited for a worker, not more (stats, diagnostics_channel)', async () => {
    const waits = new Map<number, number | undefined>();
    const onTask = (message: unknown) => {
      const { id, waitMs } = message as { id: number; waitMs: number | undefined };
      waits.set(id, waitMs);
    };
    diagnostics.subscribe('multiproc:pool:task', onTask);
    try {
      await using pool = new Pool({ processes: 1 });
      const log = join(dir, 'wait-after-crash.log');
      // Known quick (400 runs): the next four go out in one batch, and the two after the crash come back to the queue.
      for (let i = 0; i < 400; i++) await pool.apply(mark, [join(dir, 'warm-up-wait.log'), 'warm']);
      waits.clear();
      const submitted = performance.now();
      const calls = [pool.apply(mark, [log, 'a']), pool.apply(mark, [log, 'boom', true]), pool.apply(mark, [log, 'c']), pool.apply(mark, [log, 'd'])];
      const settled = await Promise.allSettled(calls);
      const elapsed = performance.now() - submitted;
      assert.deepEqual(settled.map((s) => s.status), ['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
      assert.equal(waits.size, 4);
      for (const [id, waitMs] of waits) {
        assert.equal(typeof waitMs, 'number', `task ${id} was sent`);
        assert.ok(waitMs! >= 0 && waitMs! <= elapsed, `task ${id} waited ${waitMs} ms, within the ${elapsed} ms of the call`);
      }
      const { waitTime } = pool.stats();
      assert.ok(waitTime.p99 <= elapsed, `p99 wait ${waitTime.p99} ms, within ${elapsed} ms`);
    } finally {
      diagnostics.unsubscribe('multiproc:pool:task', onTask);
    }
  });

  it('errors name the function called, also after a function of the same source and another name', async () => {
    await using pool = new Pool({ processes: 1 });
    const names: string[] = [];
    pool.on('taskError', (_error: unknown, { fn }: { fn: string }) => names.push(fn));
    const first = (why: string) => {
      throw new Error(why);
    };
    const second = (why: string) => {
      throw new Error(why);
    };
    await assert.rejects(pool.apply(first, ['one']), /one/);
    await assert.rejects(pool.apply(second, ['two']), /two/);
    assert.deepEqual(names, ['first', 'second']);
  });

  it('a result is not held back behind a long task: before a task not known to be quick, and after one with a timeout', async () => {
    await using pool = new Pool({ processes: 1 });
    const log = join(dir, 'held-back.log');
    // `spinUntil` is known to take long (50 ms last time): the results before it are written before it
    // starts. (Then 40 quick tasks, so that the pool sends the next two in one batch.) It runs until
    // this test, having got the quick result, releases it: held back, that result would never come.
    const release = join(dir, 'release-long-a');
    await pool.apply(spinUntil, [join(dir, 'warm-up-2.log'), release, 50, 'warm']);
    for (let i = 0; i < 40; i++) await pool.apply(mark, [join(dir, 'warm-up-2.log'), 'warm']);
    const quickA = pool.apply(mark, [log, 'a']);
    const longA = pool.apply(spinUntil, [log, release, 60_000, 'long-a']);
    assert.equal(await quickA, 'a');
    writeFileSync(release, '');
    assert.equal(await longA, true, 'released by this test after the quick result came');
    // `spin` is known to be quick, so only the timeout makes the quick task's result go at once
    // (held back, the pool would take the quick task for the running one, time it out, and kill the long one).
    for (let i = 0; i < 400; i++) await pool.apply(spin, [join(dir, 'warm-up-2.log'), 0, 'warm']);
    for (let i = 0; i < 40; i++) await pool.apply(mark, [join(dir, 'warm-up-2.log'), 'warm']);
    const quickB = pool.apply(mark, [log, 'b'], { timeout: 1000 });
    const longB = pool.apply(spin, [log, 3000, 'long-b']);
    assert.equal(await quickB, 'b');
    assert.equal(await longB, 'long-b');
    assert.deepEqual(readFileSync(log, 'utf8').trim().split('\n'), ['a', 'long-a', 'b', 'long-b'], 'each ran once');
  });

  it('a worker\'s result journal stays bounded while the pool is slow to read: the worker waits instead; the journals go with the pool', async () => {
    const pool = new Pool({ processes: 1 });
    for (let i = 0; i < 50; i++) await pool.apply(blob, [10]);
    let largest = 0;
    const probe = () => {
      for (const dir of journalDirs()) {
        for (const file of readdirSync(dir)) largest = Math.max(largest, statSync(join(dir, file), { throwIfNoEntry: false })?.size ?? 0);
      }
    };
    // This process is busy 30 ms out of every 40: the worker's pipe backs up and never quite empties.
    const busy = setInterval(() => {
      probe();
      const end = Date.now() + 30;
      while (Date.now() < end);
    }, 40);
    const results = await Promise.all(Array.from({ length: 3000 }, () => pool.apply(blob, [32 * 1024])));
    clearInterval(busy);
    probe();
    assert.equal(results.length, 3000);
    assert.ok(largest > 0, 'the journal was seen');
    assert.ok(largest <= 12 * 1024 * 1024, `the journal reached ${largest} bytes for 94 MiB of results`);
    assert.equal(journalDirs().length, 1);
    pool.close();
    await pool.join();
    assert.deepEqual(journalDirs(), [], 'the journal directory is removed once the workers are gone');
  });

  it('terminate() while a task runs for ever: the tasks that finished before it still get their results', async () => {
    const pool = new Pool({ processes: 1 });
    const log = join(dir, 'terminate.log');
    for (let i = 0; i < 400; i++) await pool.apply(spin, [join(dir, 'warm-up-3.log'), 0, 'warm']); // known to be quick
    const quick = Array.from({ length: 20 }, (_, i) => pool.apply(spin, [log, 0, `q${i}`]));
    const forever = pool.apply(spin, [log, 1e9, 'forever']);
    while (!(existsSync(log) && readFileSync(log, 'utf8').includes('forever'))) await new Promise((resolve) => setTimeout(resolve, 10));
    pool.terminate();
    assert.deepEqual(await Promise.all(quick), Array.from({ length: 20 }, (_, i) => `q${i}`));
    await assert.rejects(forever, { code: 'ERR_POOL_TERMINATED' });
    await pool.join();
  });

  it('a task whose arguments cannot be sent fails alone (ERR_ENCODE), a batch too long for one message goes in parts, a result too long fails its task: no worker dies', async () => {
    await using pool = new Pool({ processes: 1 });
    // Known to be quick (its run times settled), so that its tasks go in batches as big as the queue.
    for (let i = 0; i < 50; i++) assert.equal(await pool.apply(lengthOf, ['known quick']), 11);
    // 270 MiB of arguments (270 distinct Buffers: one sent many times would be encoded once), over the 256 MiB a message
    // may hold (maxFrameBytes): sent as one batch, the worker would refuse it and die, and each new worker the same.
    const MiB = 1024 * 1024;
    const bytes = Buffer.alloc(270 * MiB);
    const args = Array.from({ length: 270 }, (_, i) => bytes.subarray(i * MiB, (i + 1) * MiB));
    assert.deepEqual(await Promise.all(args.map((arg) => pool.apply(lengthOf, [arg]))), Array(270).fill(MiB));
    const settled = await Promise.allSettled(Array.from({ length: 100 }, (_, i) => pool.apply(lengthOf, [i === 50 ? [() => 'no functions'] : 'x'])));
    const rejected = settled.flatMap((r, i) => (r.status === 'rejected' ? [[i, (r.reason as { code?: string }).code]] : []));
    assert.deepEqual(rejected, [[50, 'ERR_ENCODE']]);
    assert.ok(settled.every((r, i) => i === 50 || (r.status === 'fulfilled' && r.value === 1)));
    // A result more than one message may hold fails its task with that error; the worker lives on.
    await assert.rejects(pool.apply(zeroes, [257]), { code: 'ERR_FRAME_TOO_LARGE' });
    assert.equal(pool.stats().crashed, 0);
    assert.equal(await pool.apply(double, [21]), 42);
  });

  it('a task that calls process.exit rejects with WorkerCrashedError carrying the exit code', async () => {
    await using pool = new Pool({ processes: 1 });
    await assert.rejects(pool.apply(exitNow, [9]), (e: WorkerCrashedError) => e.code === 'ERR_WORKER_CRASHED' && e.exitCode === 9);
    assert.equal(await pool.apply(double, [2]), 4);
  });

  it('a task past its timeout rejects with ERR_TIMEOUT; its worker is replaced, others are untouched', async () => {
    await using pool = new Pool({ processes: 2 });
    const slow = pool.apply(sleepThen, [60_000, 'never'], { timeout: 200 });
    const other = pool.apply(sleepThen, [400, 'fine']);
    await assert.rejects(slow, { code: 'ERR_TIMEOUT' });
    assert.equal(await other, 'fine');
    assert.equal(await pool.apply(double, [3]), 6);
  });

  it('aborting a queued task removes it (it never runs); aborting a running one kills only its worker', async () => {
    await using pool = new Pool({ processes: 1 });
    const seen = new Queue<string>();
    const running = new AbortController();
    const queued = new AbortController();
    const first = pool.apply(sleepThen, [60_000, 'x'], { signal: running.signal });
    const second = pool.apply(putThenReturn, [seen, 'must not run'], { signal: queued.signal });
    await new Promise((r) => setTimeout(r, 300));
    queued.abort();
    await assert.rejects(second, { code: 'ERR_ABORTED' });
    running.abort(new Error('changed my mind'));
    await assert.rejects(first, { code: 'ERR_ABORTED' });
    assert.equal(await pool.apply(double, [4]), 8);
    await assert.rejects(seen.get({ timeout: 200 }), { code: 'ERR_TIMEOUT' });
  });

  it('retries: a task whose worker dies runs again', async () => {
    await using pool = new Pool({ processes: 1 });
    assert.equal(await pool.apply(flaky, [join(dir, 'flaky-marker')], { retries: 1 }), 'second time lucky');
    assert.equal(pool.stats().retried, 1);
  });

  it('a broken initializer makes the pool reject with ERR_POOL_BROKEN instead of restarting for ever', async () => {
    const pool = new Pool({ processes: 2, initializer: brokenInit });
    await assert.rejects(pool.apply(double, [1]), { code: 'ERR_POOL_BROKEN' });
    await assert.rejects(pool.apply(double, [1]), { code: 'ERR_POOL_BROKEN' });
    pool.terminate();
    await pool.join();
  });

  it('maxTasksPerChild replaces a worker after that many tasks', async () => {
    await using pool = new Pool({ processes: 1, maxTasksPerChild: 1 });
    const pids = [];
    for (let i = 0; i < 3; i++) pids.push(await pool.apply(whoAmI));
    assert.equal(new Set(pids).size, 3);
  });

  it('maxQueue: beyond it, submitting rejects with ERR_POOL_QUEUE_FULL, or waits with onFull: wait; drain fires', async () => {
    const pool = new Pool({ processes: 1, maxQueue: 1 });
    const started = new Queue<string>();
    const tasks: Promise<unknown>[] = [pool.apply(reportThenSleep, [started, 200])];
    await started.get({ timeout: 30_000 }); // the only worker is busy now
    tasks.push(pool.apply(sleepThen, [10, 2]));
    await assert.rejects(pool.apply(double, [1]), { code: 'ERR_POOL_QUEUE_FULL' });
    await Promise.all(tasks);
    pool.close();
    await pool.join();
    const waiting = new Pool({ processes: 1, maxQueue: 1, onFull: 'wait' });
    let drains = 0;
    waiting.on('drain', () => drains++);
    assert.deepEqual(await Promise.all([1, 2, 3, 4].map((i) => waiting.apply(sleepThen, [20, i]))), [1, 2, 3, 4]);
    assert.ok(drains > 0);
    waiting.close();
    await waiting.join();
  });

  it('close(): no new tasks (ERR_POOL_CLOSED), queued ones finish; terminate(): they reject with ERR_POOL_TERMINATED', async () => {
    const pool = new Pool({ processes: 1 });
    await assert.rejects(pool.join(), { code: 'ERR_INVALID_STATE' });
    const queued = pool.apply(sleepThen, [50, 'finished']);
    pool.close();
    await assert.rejects(pool.apply(double, [1]), { code: 'ERR_POOL_CLOSED' });
    assert.equal(await queued, 'finished');
    await pool.join();
    const doomed = new Pool({ processes: 1 });
    const running = doomed.apply(sleepThen, [60_000, 'x']);
    await new Promise((r) => setTimeout(r, 300));
    doomed.terminate();
    await assert.rejects(running, { code: 'ERR_POOL_TERMINATED' });
    await doomed.join();
  });

  it('imap: results before a failing item come first, then its error; the input is let go when the loop fails or stops; a bad chunksize fails the first step; next() calls at once get consecutive results', async () => {
    await using pool = new Pool({ processes: 2 });
    let returned = 0;
    function* upTo(n: number) {
      try {
        for (let i = 0; i < n; i++) yield i;
      } finally {
        returned++;
      }
    }
    const seen: number[] = [];
    await assert.rejects(
      (async () => {
        for await (const v of pool.imap(doubleBut13, upTo(1000), { chunksize: 4 })) seen.push(v);
      })(),
      (error: unknown) => error instanceof RangeError && error.message === '13 is unlucky',
    );
    assert.deepEqual(seen, Array.from({ length: 12 }, (_, i) => i * 2), 'the results of the chunks before it (12 is in the failed chunk)');
    assert.equal(returned, 1, 'the input was let go after the error');

    for await (const v of pool.imap(double, upTo(1000), { chunksize: 4 })) if (v === 10) break;
    assert.equal(returned, 2, 'and after a break');

    const bad = pool.imap(double, [1, 2, 3], { chunksize: 0 })[Symbol.asyncIterator]();
    await assert.rejects(bad.next(), { code: 'ERR_INVALID_ARGUMENT' });

    const iterator = pool.imap(double, [1, 2, 3, 4, 5], { chunksize: 2 })[Symbol.asyncIterator]();
    const steps = await Promise.all([iterator.next(), iterator.next(), iterator.next(), iterator.next(), iterator.next(), iterator.next()]);
    assert.deepEqual(steps.map((s) => s.value), [2, 4, 6, 8, 10, undefined]);
    assert.equal(steps[5]!.done, true);
  });

  it('imapUnordered over an infinite generator pulls only a bounded look-ahead', async () => {
    await using pool = new Pool({ processes: 2 });
    let pulled = 0;
    async function* naturals() {
      for (let n = 0; ; n++) {
        pulled++;
        yield n;
      }
    }
    let taken = 0;
    for await (const _ of pool.imapUnordered(double, naturals(), { chunksize: 5, buffersize: 4 })) {
      if (++taken === 50) break;
    }
    assert.equal(taken, 50);
    assert.ok(pulled <= 50 + 4 * 5 + 5, `pulled ${pulled} items for 50 results`);
  });

  it('imap refills its look-ahead half at a time (the chunks go out together), never below a chunk per worker', async () => {
    await using pool = new Pool({ processes: 2 });
    for (const [buffersize, step] of [
      [8, 4],
      [3, 1],
    ] as const) {
      let pulled = 0;
      function* counted() {
        for (let n = 0; n < 40; n++) {
          pulled++;
          yield n;
        }
      }
      // Items pulled from the input by the time each result is handed out: it grows only by `step` chunks at a time.
      const pulledAt: number[] = [];
      for await (const _ of pool.imap(double, counted(), { chunksize: 1, buffersize })) pulledAt.push(pulled);
      assert.equal(pulledAt.length, 40);
      const steps = new Set(pulledAt.slice(1).map((p, i) => p - pulledAt[i]!).filter((d) => d > 0));
      assert.deepEqual([...steps], [step], `buffersize ${buffersize}: pulled ${pulledAt.join(' ')}`);
      assert.ok(Math.max(...pulledAt.map((p, i) => p - (i + 1))) <= buffersize, 'never more than buffersize chunks ahead of those taken');
    }
  });

  it('events and stats report workers and tasks', async () => {
    const starts: number[] = [];
    const errors: unknown[] = [];
    const pool = new Pool({ processes: 2 });
    pool.on('workerStart', ({ pid }: { pid: number }) => starts.push(pid));
    pool.on('taskError', (error: unknown) => errors.push(error));
    await pool.map(double, [1, 2, 3, 4], { chunksize: 1 });
    await pool.apply(fail, ['x']).catch(() => {});
    const stats = pool.stats();
    assert.equal(stats.workers, 2);
    assert.equal(stats.completed, 4);
    assert.equal(stats.failed, 1);
    assert.equal(errors.length, 1);
    // The second worker may still be starting: the first can have run everything.
    assert.ok(starts.length >= 1);
    const exits: unknown[] = [];
    pool.on('workerExit', (e: unknown) => exits.push(e));
    pool.close();
    await pool.join();
    assert.equal(exits.length, 2);
    for (const pid of starts) assert.equal(isAlive(pid), false);
  });
});

describe('Pool and the event loop', () => {
  it('a pending task keeps the program alive; an idle pool, never closed, lets it end', async () => {
    const tasks = new URL('./fixtures/pool-tasks.mjs', import.meta.url).href;
    // Tasks one after the other (the pool goes busy, idle, busy…), then one that nothing else waits for.
    const program = `
      import { Pool } from 'multiproc';
      import { double, sleepThen } from ${JSON.stringify(tasks)};
      const pool = new Pool({ processes: 1 });
      for (let i = 1; i <= 3; i++) console.log(await pool.apply(double, [i]));
      void pool.apply(sleepThen, [300, 'late']).then(console.log);
    `;
    const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = execFile(process.execPath, ['--input-type=module', '-e', program], { cwd: fileURLToPath(new URL('..', import.meta.url)), timeout: 30_000 }, () => {});
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.on('exit', (exitCode) => resolve({ code: exitCode, stdout: out }));
    });
    assert.equal(stdout, '2\n4\n6\nlate\n');
    assert.equal(code, 0, 'ended on its own (not killed by the 30 s timeout)');
  });
});

describe('Pool observability and recycling', () => {
  it('maxRssBytes replaces a worker whose memory grew past the limit', async () => {
    await using pool = new Pool({ processes: 1, maxRssBytes: 150 * 1024 * 1024 });
    const first = await pool.apply(hoardMemory, [200]);
    const second = await pool.apply(hoardMemory, [1]);
    assert.notEqual(first, second, 'a new worker ran the second task');
  });

  it('publishes tasks and workers on diagnostics_channel, and map reports progress', async () => {
    const tasks: Array<{ ok: boolean }> = [];
    const workers: Array<{ event: string }> = [];
    const onTask = (message: unknown) => tasks.push(message as { ok: boolean });
    const onWorker = (message: unknown) => workers.push(message as { event: string });
    diagnostics.subscribe('multiproc:pool:task', onTask);
    diagnostics.subscribe('multiproc:pool:worker', onWorker);
    try {
      const pool = new Pool({ processes: 1 });
      const progress: number[] = [];
      await pool.map(double, [1, 2, 3, 4], { chunksize: 1, onProgress: (done, total) => progress.push(done * 10 + total) });
      pool.close();
      await pool.join();
      assert.deepEqual(progress.sort((a, b) => a - b), [14, 24, 34, 44]);
      assert.equal(tasks.filter((t) => t.ok).length, 4);
      assert.deepEqual(workers.map((w) => w.event), ['start', 'exit']);
    } finally {
      diagnostics.unsubscribe('multiproc:pool:task', onTask);
      diagnostics.unsubscribe('multiproc:pool:worker', onWorker);
    }
  });
});

/**
 * Resolves once `count` workers of the pool have said they are ready (call it right after `new Pool`). Its timer
 * bounds a hang and keeps this process alive meanwhile (an idle pool does not).
 */
function workersStarted(pool: Pool, count: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let started = 0;
    const timer = setTimeout(() => reject(new Error(`only ${started} of ${count} workers started in 60 s`)), 60_000);
    const onStart = () => {
      if (++started < count) return;
      pool.off('workerStart', onStart);
      clearTimeout(timer);
      resolve();
    };
    pool.on('workerStart', onStart);
  });
}

describe('Pool work sharing', () => {
  it('tiny tasks on more workers than cores go to one worker per core (always the same ones); longer tasks go to every worker', async () => {
    const processes = cpuCount() + 2;
    await using pool = new Pool({ processes });
    // (On a loaded machine the last workers may still be starting when the warm-up tasks are done.)
    await workersStarted(pool, processes);
    // Run times become known (the first tasks go one to each worker).
    for (let i = 0; i < 2000; i++) await pool.apply(whoAmI);
    const tiny = await Promise.all(Array.from({ length: 20_000 }, () => pool.apply(whoAmI)));
    const perPid = [...tiny.reduce((counts, pid) => counts.set(pid, (counts.get(pid) ?? 0) + 1), new Map<number, number>()).values()];
    perPid.sort((a, b) => b - a);
    const onCoresWorth = perPid.slice(0, cpuCount()).reduce((sum, n) => sum + n, 0);
    // Without it, the tasks are spread over every worker: cores / (cores + 2) of them (half, on 2 cores) on the busiest.
    // (Not all: a worker descheduled in the middle of a task makes one run look long, and one batch may go elsewhere.)
    assert.ok(onCoresWorth >= 0.8 * tiny.length, `tiny tasks per worker: ${perPid.join(', ')}`);
    const long = await Promise.all(Array.from({ length: processes * 3 }, () => pool.apply(busyWhoAmI, [20])));
    assert.equal(new Set(long).size, processes, 'every worker takes longer tasks');
  });
});

describe('Pool work sharing while the caller submits', () => {
  it('tasks submitted in one long run of code start before it ends; drain is not emitted inside apply()', async () => {
    await using pool = new Pool({ processes: 2 });
    await workersStarted(pool, 2);
    for (let i = 0; i < 500; i++) await pool.apply(touchAndWhoAmI, []); // run times known: batches of more than one task
    let inApply = false;
    const drains: boolean[] = [];
    pool.on('drain', () => drains.push(inApply));
    const touched = join(dir, 'touched-during-the-run');
    const submitted: Array<Promise<number>> = [];
    for (let i = 0; i < 4096; i++) {
      inApply = true;
      submitted.push(pool.apply(touchAndWhoAmI, [touched]));
      inApply = false;
    }
    // The same run of code goes on (a caller busy building its next tasks) until a task has run, or 10 s.
    const until = Date.now() + 10_000;
    while (!existsSync(touched) && Date.now() < until);
    assert.ok(existsSync(touched), 'a task ran while the caller was still in the run of code that submitted it');
    await Promise.all(submitted);
    assert.ok(drains.length > 0, 'drain fired');
    assert.deepEqual(drains.filter((inside) => inside), [], 'never from inside apply()');
  });

  it('eager batches hold no task with a timeout or signal: a long run of code after submitting times none out, and an abort in it kills no worker', async () => {
    await using pool = new Pool({ processes: 2 });
    await workersStarted(pool, 2);
    for (let i = 0; i < 500; i++) await pool.apply(double, [i]);
    let exits = 0;
    pool.on('workerExit', () => exits++);
    const timed = Array.from({ length: 512 }, (_, i) => pool.apply(double, [i], { timeout: 400 }));
    // Timeout and run long enough that a loaded machine's scheduling cannot time a task out by itself.
    const until = Date.now() + 1000; // longer than the timeout: a timer started in this run would fire before any result is read
    while (Date.now() < until);
    assert.deepEqual(await Promise.all(timed), Array.from({ length: 512 }, (_, i) => i * 2));
    const controller = new AbortController();
    const aborted = Array.from({ length: 300 }, (_, i) => pool.apply(double, [i], { signal: controller.signal }).catch((e: { code?: string }) => e.code));
    controller.abort();
    assert.deepEqual(new Set(await Promise.all(aborted)), new Set(['ERR_ABORTED']));
    assert.equal(exits, 0, 'no worker was killed');
  });

  it('tasks submitted from a workerExit listener go out after the dead worker\'s requeued tasks', async () => {
    await using pool = new Pool({ processes: 2 });
    await workersStarted(pool, 2);
    const log = join(dir, 'exit-order.log');
    for (let i = 0; i < 400; i++) await pool.apply(mark, [join(dir, 'warm-up-3.log'), 'warm']); // known quick: batches
    const fromListener: Array<Promise<unknown>> = [];
    pool.once('workerExit', () => {
      for (let i = 0; i < 256; i++) fromListener.push(pool.apply(mark, [log, 'listener']));
    });
    // Shared out 6 and 5: one worker dies at 'boom', holding r1–r5, which are requeued; the other runs r6–r10.
    const crash = pool.apply(mark, [log, 'boom', true]);
    const rest = Array.from({ length: 10 }, (_, i) => pool.apply(mark, [log, `r${i + 1}`]));
    await assert.rejects(crash, { code: 'ERR_WORKER_CRASHED' });
    await Promise.all(rest);
    await Promise.all(fromListener);
    const order = readFileSync(log, 'utf8').trim().split('\n');
    const firstFromListener = order.indexOf('listener');
    assert.ok(firstFromListener > 0, 'the listener\'s tasks ran');
    for (let i = 1; i <= 10; i++) assert.ok(order.indexOf(`r${i}`) < firstFromListener, `r${i} ran before the listener's tasks: ${order.slice(0, 20).join(' ')}`);
  });

  it('no drain after terminate() emptied the queue', async () => {
    const pool = new Pool({ processes: 2 });
    await workersStarted(pool, 2);
    for (let i = 0; i < 500; i++) await pool.apply(double, [i]);
    let drains = 0;
    pool.on('drain', () => drains++);
    const all = Array.from({ length: 300 }, (_, i) => pool.apply(double, [i]).catch(() => {}));
    pool.terminate();
    await Promise.all(all);
    await pool.join();
    assert.equal(drains, 0);
  });
});

describe('Pool work sharing when the workers of the cores are busy', () => {
  it('a tiny task is not held back behind the cores\' workers busy with long tasks while others idle (a long task waiting for it would deadlock)', async () => {
    const cores = cpuCount();
    await using pool = new Pool({ processes: cores + 2 });
    await workersStarted(pool, cores + 2);
    for (let i = 0; i < 300; i++) await pool.apply(touchAndWhoAmI, [null]);
    const release = join(dir, `release-${process.pid}`);
    // A long task on each of the first workers: each waits for a file that only the tiny task creates.
    const waiters = Array.from({ length: cores }, () => pool.apply<boolean>(spinUntilExists, [release, 20_000]));
    await new Promise((resolve) => setTimeout(resolve, 300));
    await pool.apply(touchAndWhoAmI, [release]);
    assert.deepEqual(await Promise.all(waiters), waiters.map(() => true), 'the long tasks saw the tiny one run');
  });

  it('long tasks queued behind a tiny one are shared over every worker, not batched onto the cores\' workers', async () => {
    const processes = cpuCount() + 2;
    await using pool = new Pool({ processes });
    // Every worker up first: one still starting when the long tasks come cannot take one (seen on a loaded CI machine).
    await workersStarted(pool, processes);
    for (let i = 0; i < 300; i++) await pool.apply(whoAmI);
    const tiny = pool.apply(whoAmI);
    const long = Array.from({ length: processes }, () => pool.apply(busyWhoAmI, [100]));
    await tiny;
    assert.equal(new Set(await Promise.all(long)).size, processes, 'one long task on each worker');
  });

  it('apply() reads the caller\'s options before it makes its promise: a submit from a getter settles each task with its own result; a bad signal rejects', async () => {
    await using pool = new Pool({ processes: 1 });
    let inner: Promise<unknown> | undefined;
    const options = {
      get timeout() {
        inner ??= pool.apply(double, [5]);
        return undefined;
      },
    };
    const outer = pool.apply(double, [1], options);
    assert.deepEqual(await Promise.all([outer, inner]), [2, 10]);
    const notASignal = { aborted: false } as unknown as AbortSignal;
    let result: unknown;
    assert.doesNotThrow(() => (result = pool.apply(double, [1], { signal: notASignal })));
    await assert.rejects(result as Promise<unknown>);
  });
});

describe('Pool chaos', () => {
  it('10 000 tasks while workers are SIGKILLed at random: every task settles exactly once, and nothing is left behind', async () => {
    const pool = new Pool({ processes: 2 });
    const pids = new Set<number>();
    pool.on('workerStart', ({ pid }: { pid: number }) => pids.add(pid));
    let settled = 0;
    let crashed = 0;
    let ok = 0;
    const count = 10_000;
    const all = Array.from({ length: count }, (_, i) =>
      pool.apply(sleepThen, [0, i]).then(
        (value) => {
          settled++;
          if (value === i) ok++;
        },
        (error: unknown) => {
          settled++;
          if (error instanceof WorkerCrashedError) crashed++;
          else throw error;
        },
      ),
    );
    let kills = 0;
    const killer = setInterval(() => {
      const alive = [...pids].filter(isAlive);
      const victim = alive[Math.floor(Math.random() * alive.length)];
      if (victim !== undefined && kills < 8) {
        process.kill(victim, 'SIGKILL');
        kills++;
      }
    }, 150);
    await Promise.all(all);
    clearInterval(killer);
    assert.equal(settled, count, 'every task settled');
    assert.equal(ok + crashed, count, 'each exactly once: a result or WorkerCrashedError');
    assert.ok(crashed <= kills, `${crashed} tasks crashed, ${kills} kills`);
    pool.close();
    await pool.join();
    await new Promise((r) => setTimeout(r, 100));
    for (const pid of pids) assert.equal(isAlive(pid), false, `worker ${pid} is gone`);
    const ours = process.getActiveResourcesInfo().filter((r) => r === 'ProcessWrap');
    assert.deepEqual(ours, []);
  });
});
