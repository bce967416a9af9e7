// Python's forms on Process — positional seconds, Process(target, args) — are refused with the form to write;
// timeouts are milliseconds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Process } from '@multiproc/process';
import { sleepFor } from './fixtures/targets.mjs';

/** Rejects if `work` has not settled within `ms`: bounds the old behaviour, a join that waits for the exit. */
const within = <T>(work: Promise<T>, ms: number): Promise<T> =>
  Promise.race([work, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`not settled within ${ms} ms`)), ms).unref())]);

test("p.join(0.1) (Python's seconds, positional) rejects with ERR_INVALID_ARGUMENT naming join({ timeout: 100 }), at once", async (t) => {
  const p = new Process({ target: sleepFor, args: [60_000] }).start();
  t.after(() => p.kill());
  await assert.rejects(within(p.join(0.1 as never), 10_000), (error: Error & { code?: string }) => {
    assert.equal(error.code, 'ERR_INVALID_ARGUMENT');
    assert.match(error.message, /Process\.join\(0\.1\)/);
    assert.match(error.message, /milliseconds/);
    assert.match(error.message, /write join\(\{ timeout: 100 \}\)/);
    return true;
  });
  await assert.rejects(p.join(5 as never), { code: 'ERR_INVALID_ARGUMENT', message: /write join\(\{ timeout: 5000 \}\)/ });
  await assert.rejects(p.join('1' as never), { code: 'ERR_INVALID_ARGUMENT', message: /takes an options object, got "1"/ });
  assert.equal(p.isAlive(), true);
});

test('join({ timeout: 0.1 }) is legal and means 0.1 milliseconds: it returns with the child still running', async (t) => {
  const p = new Process({ target: sleepFor, args: [60_000] }).start();
  t.after(() => p.kill());
  await within(p.join({ timeout: 0.1 }), 10_000);
  assert.equal(p.exitCode, null);
  assert.equal(p.isAlive(), true);
});

test('p.terminate(500) is refused, naming terminate({ graceMs: 500 })', async (t) => {
  const p = new Process({ target: sleepFor, args: [60_000] }).start();
  t.after(() => p.kill());
  assert.throws(() => p.terminate(500 as never), { code: 'ERR_INVALID_ARGUMENT', message: /write terminate\(\{ graceMs: 500 \}\)/ });
  assert.equal(p.isAlive(), true, 'nothing was signalled');
});

test("new Process(work, [1]) (Python's Process(target, args)) names the options form to write", () => {
  assert.throws(() => new (Process as unknown as new (...a: unknown[]) => Process)(sleepFor, [1, 'a']), {
    code: 'ERR_INVALID_ARGUMENT',
    message: /write new Process\(\{ target: sleepFor, args: \[1, "a"\] \}\)/,
  });
});
