// A TypeScript user's first hour with the pool (issue #20): mistakes that get an error saying what to write instead.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Pool } from 'multiproc';
import { double } from './fixtures/pool-tasks.mjs';

const factor = 3;
function helper(x: number) {
  return x + 1;
}
// Not exported: a worker cannot import it, so it is sent by its source, which uses helper.
function usesHelper(x: number) {
  return helper(x);
}

describe('Pool: functions sent by their source', () => {
  it('an inline arrow using a variable of its module fails with a coded error that says to export the function', async () => {
    await using pool = new Pool({ processes: 1 });
    await assert.rejects(pool.map((x: number) => x * factor, [1, 2]), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'ERR_TARGET_NOT_FOUND');
      assert.match(error.message, /anonymous or inline/);
      assert.match(error.message, /uses factor/);
      assert.match(error.message, /Export the function/);
      assert.doesNotMatch(error.message, /target/);
      assert.equal((error.cause as Error).name, 'ReferenceError');
      return true;
    });
  });

  it('a function that is not exported and calls a helper: the error names both', async () => {
    await using pool = new Pool({ processes: 1 });
    await assert.rejects(pool.apply(usesHelper, [1]), { code: 'ERR_TARGET_NOT_FOUND', message: /'usesHelper'.*uses helper/ });
    assert.equal(await pool.apply((x: number) => x * 2, [21]), 42, 'a self-contained inline function still runs');
  });
});

describe('Pool: Python\'s positional forms', () => {
  it('a callback where the options go (apply_async(f, args, callback)) throws at the call, saying to write { callback }', async () => {
    await using pool = new Pool({ processes: 1 });
    assert.throws(() => pool.applyAsync(double, [1], ((value: number) => value) as never), { code: 'ERR_INVALID_ARGUMENT', message: /^Pool\.applyAsync\(\).*\{ callback \}/ });
    assert.throws(() => pool.mapAsync(double, [1], 2 as never), { code: 'ERR_INVALID_ARGUMENT', message: /\{ chunksize: 2 \}/ });
  });
});

describe('Pool: calls after close()', () => {
  it('applyAsync, mapAsync and starmapAsync throw ERR_POOL_CLOSED at the call, naming themselves', async () => {
    const pool = new Pool({ processes: 1 });
    pool.close();
    assert.throws(() => pool.applyAsync(double, [1]), { code: 'ERR_POOL_CLOSED', message: /^Pool\.applyAsync\(\)/ });
    assert.throws(() => pool.mapAsync(double, [1]), { code: 'ERR_POOL_CLOSED', message: /^Pool\.mapAsync\(\)/ });
    assert.throws(() => pool.starmapAsync(double, [[1]]), { code: 'ERR_POOL_CLOSED', message: /^Pool\.starmapAsync\(\)/ });
    await assert.rejects(pool.apply(double, [1]), { code: 'ERR_POOL_CLOSED', message: /^Pool\.apply\(\)/ });
    await pool.join();
  });
});
