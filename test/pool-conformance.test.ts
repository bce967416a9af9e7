// The pool under attack and against CPython's own tests (issue #19): workers killed while starting, descriptors of
// workers that never started, stray rejections, bad arguments, and the conformance failures found.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { Pool } from 'multiproc';
import { add, announceThenWaitFor, double, leaveStrayRejection, sleepThen, whoAmI } from './fixtures/pool-tasks.mjs';
import { undecodable } from './fixtures/pool-undecodable.mjs';

const dir = mkdtempSync(join(tmpdir(), 'multiproc-pool-conformance-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('Pool workers that die before they are ready, and stray rejections', () => {
  it('workers SIGKILLed from outside while starting are replaced, not counted as start-up failures (#19 item 7)', async () => {
    const starting = mkdtempSync(join(dir, 'starting-'));
    const go = join(starting, 'go');
    const pool = new Pool({ processes: 1, initializer: announceThenWaitFor, initargs: [starting, go], maxStartupFailures: 2 });
    const result = pool.apply(double, [21]);
    const killed = new Set<string>();
    const deadline = Date.now() + 60_000;
    while (killed.size < 4 && Date.now() < deadline) {
      for (const pid of readdirSync(starting)) {
        if (killed.has(pid)) continue;
        process.kill(Number(pid), 'SIGKILL');
        killed.add(pid);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    assert.equal(killed.size, 4, 'four workers were seen starting and killed');
    writeFileSync(go, '');
    assert.equal(await result, 42);
    pool.close();
    await pool.join();
  });

  it('a pool whose workers cannot start leaves no socket descriptor behind once joined (#19 item 5)', async () => {
    const sockets = () => readdirSync('/proc/self/fd').filter((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`).startsWith('socket:');
      } catch {
        return false;
      }
    }).length;
    const before = sockets();
    for (let i = 0; i < 3; i++) {
      const pool = new Pool({ processes: 2, execArgv: ['--no-such-node-flag'] });
      await assert.rejects(pool.apply(double, [1]), { code: 'ERR_POOL_BROKEN' });
      pool.terminate();
      await pool.join();
    }
    // Descriptors close as their sockets' 'close' events run: waited for, up to 10 s.
    const deadline = Date.now() + 10_000;
    while (sockets() > before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    // (At most: sockets of an earlier test may still be closing when `before` is counted.)
    assert.ok(sockets() <= before, `${sockets()} sockets open, ${before} before`);
  });

  it('a task that leaves a promise rejected with no handler: no innocent task pays, the worker goes on, the rejection is reported (#19 item 8)', async () => {
    await using pool = new Pool({ processes: 1 });
    const pid = await pool.apply(whoAmI);
    let exits = 0;
    pool.on('workerExit', () => exits++);
    // The stray rejection is noticed while the next task runs (awaiting a timer).
    const [culprit, innocent] = await Promise.all([pool.apply(leaveStrayRejection, ['returned']), pool.apply(sleepThen, [200, 'innocent'])]);
    assert.deepEqual([culprit, innocent], ['returned', 'innocent']);
    assert.equal(await pool.apply(whoAmI), pid, 'the same worker');
    assert.equal(exits, 0);
  });

  it('the stray rejection is written to the worker\'s stderr, naming the task that left it', async () => {
    const script = `
      import { Pool } from 'multiproc';
      import { leaveStrayRejection, sleepThen } from ${JSON.stringify(new URL('./fixtures/pool-tasks.mjs', import.meta.url).href)};
      const pool = new Pool({ processes: 1 });
      await Promise.all([pool.apply(leaveStrayRejection, [1]), pool.apply(sleepThen, [100, 2])]);
      pool.close();
      await pool.join();
    `;
    const { stderr } = await new Promise<{ stderr: string }>((resolve, reject) =>
      execFile(process.execPath, ['--input-type=module', '-e', script], { cwd: fileURLToPath(new URL('..', import.meta.url)) }, (error, _stdout, stderr) => (error ? reject(error) : resolve({ stderr }))),
    );
    assert.match(stderr, /a promise rejected with no handler, left by task \d+ \(leaveStrayRejection\)/);
    assert.match(stderr, /a stray rejection/);
  });
});

describe('Pool argument checks and Python conformance', () => {
  it('every bad Pool option is ERR_INVALID_ARGUMENT at the constructor, naming it; no worker starts', () => {
    const bad: Array<Record<string, unknown>> = [
      { processes: 0 }, { processes: 2.5 }, { maxTasksPerChild: -1 }, { maxTasksPerChild: 0.5 }, { maxTasksPerChild: '12' },
      { initializer: 1 }, { initargs: 3 }, { maxRssBytes: NaN }, { maxQueue: -1 }, { onFull: 'block' }, { taskTimeout: 0 },
      { taskTimeout: -5 }, { taskTimeout: NaN }, { retries: -1 }, { retries: 1.5 }, { maxStartupFailures: 0 }, { execArgv: '--x' },
      { execArgv: [1] }, { backend: {} }, { name: '' }, { maxtasksperchild: 3 },
    ];
    for (const options of bad) {
      const [name] = Object.keys(options);
      assert.throws(() => new Pool(options as never), (error: Error & { code?: string }) => error.code === 'ERR_INVALID_ARGUMENT' && error.message.includes(name!), JSON.stringify(options));
    }
    assert.throws(() => new Pool(4 as never), { code: 'ERR_INVALID_ARGUMENT', message: /new Pool\(\{ processes: 4 \}\)/ });
  });

  it('a task timeout of -1, 0 or NaN is ERR_INVALID_ARGUMENT; nothing runs and no worker is killed', async () => {
    await using pool = new Pool({ processes: 1 });
    let exits = 0;
    pool.on('workerExit', () => exits++);
    for (const timeout of [-1, 0, NaN, 2 ** 31]) {
      await assert.rejects(pool.apply(double, [1], { timeout }), { code: 'ERR_INVALID_ARGUMENT', message: /timeout/ }, String(timeout));
    }
    await assert.rejects(pool.apply(double, [1], { retries: -1 }), { code: 'ERR_INVALID_ARGUMENT' });
    assert.equal(await pool.apply(double, [4]), 8);
    assert.deepEqual([exits, pool.stats().crashed], [0, 0]);
  });

  it('map and starmap take async iterables; a number where the options go names the option to write', async () => {
    await using pool = new Pool({ processes: 1 });
    async function* numbers() {
      yield* [1, 2, 3];
    }
    assert.deepEqual(await pool.map(double, numbers()), [2, 4, 6]);
    async function* pairs() {
      yield [1, 2];
      yield [3, 4];
    }
    assert.deepEqual(await pool.starmap(add, pairs()), [3, 7]);
    await assert.rejects(pool.map(double, 5 as never), { code: 'ERR_INVALID_ARGUMENT', message: /iterable/ });
    await assert.rejects(pool.map(double, [1, 2], 2 as never), { code: 'ERR_INVALID_ARGUMENT', message: /\{ chunksize: 2 \}/ });
    assert.throws(() => pool.imap(double, [1, 2], 2 as never), { code: 'ERR_INVALID_ARGUMENT', message: /\{ chunksize: 2 \}/ });
    await assert.rejects(pool.apply(double, [1], 5000 as never), { code: 'ERR_INVALID_ARGUMENT', message: /\{ timeout: 5000 \}/ });
  });

  it('close() then join() returns while a task whose arguments cannot be sent is pending; that task fails ERR_ENCODE', async () => {
    const pool = new Pool({ processes: 1 });
    const unsendable = assert.rejects(pool.apply(double, [Symbol('not sendable')]), { code: 'ERR_ENCODE' });
    pool.close();
    let timer: NodeJS.Timeout | undefined;
    const hang = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('join() did not return within 30 s')), 30_000)));
    try {
      await Promise.race([pool.join(), hang]);
    } finally {
      clearTimeout(timer);
    }
    await unsendable;
  });

  it('a result the pool cannot decode fails that task alone (ERR_RESULT_DECODE), not as a crash; the tasks around it get theirs', async () => {
    await using pool = new Pool({ processes: 1 });
    const [before, bad, after] = await Promise.allSettled([pool.apply(double, [1]), pool.apply(undecodable, [7]), pool.apply(double, [2])]);
    assert.deepEqual([before, after], [{ status: 'fulfilled', value: 2 }, { status: 'fulfilled', value: 4 }]);
    assert.equal(bad.status, 'rejected');
    const error = (bad as PromiseRejectedResult).reason as Error & { code: string; task: { fn: string } };
    assert.equal(error.code, 'ERR_RESULT_DECODE');
    assert.equal(error.task.fn, 'undecodable');
    assert.match(error.message, /OnlyInWorkers cannot be rebuilt here/);
    assert.equal(pool.stats().crashed, 0);
  });

  it('imap and imapUnordered over an input that throws at item k: the results before k, then its error', async () => {
    await using pool = new Pool({ processes: 2 });
    function* throwsAtFour() {
      yield* [1, 2, 3];
      throw new RangeError('no item 4');
    }
    for (const [name, iterate] of [['imap', pool.imap.bind(pool)], ['imapUnordered', pool.imapUnordered.bind(pool)]] as const) {
      for (const chunksize of [1, 2]) {
        const got: unknown[] = [];
        await assert.rejects(async () => {
          for await (const value of iterate(double, throwsAtFour(), { chunksize })) got.push(value);
        }, { name: 'RangeError', message: 'no item 4' });
        assert.deepEqual([...got].sort(), [2, 4, 6], `${name}, chunksize ${chunksize}`);
      }
    }
  });
});
