// A child taken from a warm spare (keepSpares) is a child like any other: the live objects it is given as arguments
// (a Pipe end, a Queue, a Pool) work there, and one SIGKILLed is reported as any child is.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { keepSpares, Pipe, Pool, Process, Queue, sparesReady } from 'multiproc';
import { echo } from './fixtures/pipe-workers.mjs';
import { produce } from './fixtures/queue-workers.mjs';
import { childrenOf } from '../packages/process/test/helpers.js';
import { double } from './fixtures/pool-tasks.mjs';

const myChildren = () => childrenOf(process.pid);

/** Starts `make()`'s Process once a spare has booted, and checks it took the spare (its pid was a child already). */
async function fromSpare(make: () => Process): Promise<Process> {
  keepSpares(1);
  await sparesReady({ timeout: 60_000 });
  const before = new Set(myChildren());
  const child = make().start();
  assert.ok(before.has(child.pid!), `the child (${child.pid}) was a spare`);
  return child;
}

describe('children taken from warm spares', { skip: process.platform !== 'linux' && 'reads /proc: Linux only' }, () => {
  after(() => keepSpares(0));

  it('echo a Pipe end and fill a Queue they were given', async () => {
    const [mine, theirs] = Pipe<unknown>();
    const echoer = await fromSpare(() => new Process({ target: echo, args: [theirs] }));
    await mine.send({ hello: [1, 2, 3] });
    assert.deepEqual(await mine.recv({ timeout: 30_000 }), { hello: [1, 2, 3] });
    await mine.close();
    await echoer.join();
    assert.equal(echoer.exitCode, 0);

    const queue = new Queue<unknown>();
    const producer = await fromSpare(() => new Process({ target: produce, args: [queue, 'spare', 3] }));
    const got = [await queue.get({ timeout: 30_000 }), await queue.get({ timeout: 30_000 }), await queue.get({ timeout: 30_000 })];
    await producer.join();
    assert.equal(producer.exitCode, 0);
    assert.equal(got.length, 3);
    await queue.close();
  });

  it('serve as pool workers', async () => {
    keepSpares(2);
    await sparesReady({ timeout: 60_000 });
    const before = new Set(myChildren());
    const pool = new Pool({ processes: 2 });
    const workers: number[] = [];
    const bothUp = new Promise<void>((resolve) => pool.on('workerStart', ({ pid }: { pid: number }) => workers.push(pid) === 2 && resolve()));
    // An idle pool keeps nothing alive while its workers start.
    const keepAlive = setInterval(() => {}, 1000);
    try {
      assert.deepEqual(await pool.map(double, [1, 2, 3, 4]), [2, 4, 6, 8]);
      await bothUp;
      for (const pid of workers) assert.ok(before.has(pid), `worker ${pid} was a spare`);
    } finally {
      clearInterval(keepAlive);
      pool.close();
      await pool.join();
    }
  });

  it('report a SIGKILL as any child does', async () => {
    const victim = await fromSpare(() => new Process({ target: echo, args: [Pipe<unknown>()[1]] }));
    victim.kill();
    await victim.join();
    assert.equal(victim.exitCode, -9);
    assert.equal(victim.signalCode, 'SIGKILL');
  });
});
