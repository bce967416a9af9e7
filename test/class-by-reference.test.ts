// Classes by reference across real processes: an instance of an exported class crosses as that class —
// as a Process argument, on a Queue and a Pipe, to and from pool tasks — with no registration; an error of an
// exported class keeps its class; an instance of a class that is not exported fails at the send.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Pipe, Pool, Process, Queue } from 'multiproc';
import { makeSecret, Point, ValidationError } from './fixtures/geometry.mjs';
import { describePoint, makePoint, normOf, putSecret, reject, sendBack } from './fixtures/class-workers.mjs';

describe('class instances cross processes by reference', () => {
  it('a Process argument arrives in the child as an instance of its class (the child imports the module first), without a registration', async () => {
    const results = new Queue<unknown>();
    const p = new Process({ target: describePoint, args: [new Point(3, 4), results] }).start();
    assert.deepEqual(await results.get({ timeout: 30_000 }), ['Point', true, 5]);
    await p.join();
    assert.equal(p.exitCode, 0);
  });

  it('an instance put on a Queue by a child, and an error sent on a Pipe, arrive as their classes in the parent', async () => {
    const results = new Queue<unknown>();
    const [mine, theirs] = Pipe<unknown>();
    const p = new Process({ target: sendBack, args: [results, theirs] }).start();
    const point = await results.get({ timeout: 30_000 });
    assert.ok(point instanceof Point);
    assert.equal(point.norm(), 10);
    const error = await mine.recv({ timeout: 30_000 });
    assert.ok(error instanceof ValidationError, 'instanceof holds for a custom error class');
    assert.equal(error.field, 'email');
    await p.join();
  });

  it('pool tasks take and return instances, and reject with an error of its own class', async () => {
    await using pool = new Pool({ processes: 2 });
    assert.deepEqual(await pool.map(normOf, [new Point(3, 4), new Point(6, 8)]), [5, 10]);
    const made = await pool.apply(makePoint, [5, 12]);
    assert.ok(made instanceof Point);
    assert.equal(made.norm(), 13);
    await assert.rejects(pool.apply(reject, ['email']), (error: unknown) => error instanceof ValidationError && error.field === 'email');
  });

  it('an instance of a class that is not exported fails at the send with ERR_ENCODE naming the class and the fix, in the parent and in a child', async () => {
    assert.throws(() => new Process({ target: describePoint, args: [makeSecret(), new Queue()] }).start(), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'ERR_ENCODE');
      assert.match(error.message, /class Secret: .*geometry\.mjs does not export it/);
      assert.match(error.message, /Export Secret from its module/);
      return true;
    });
    const results = new Queue<unknown>();
    const p = new Process({ target: putSecret, args: [results] }).start();
    const [code, message] = (await results.get({ timeout: 30_000 })) as [string, string];
    assert.equal(code, 'ERR_ENCODE');
    assert.match(message, /class Secret/);
    await p.join();
  });
});
