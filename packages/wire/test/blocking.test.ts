// withDeadline / Deadline / checkTimeout: the `{ timeout, signal }` of every blocking call.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import {
  AbortError,
  Deadline,
  InvalidArgumentError,
  MultiprocError,
  TimeoutError,
  checkTimeout,
  withDeadline,
} from '@multiproc/wire';

/** A promise that never settles, standing for work that hangs. */
const never = () => new Promise<never>(() => {});

/** How many active resources of `type` ('Timeout', …) this process has. */
const active = (type: string) => process.getActiveResourcesInfo().filter((t) => t === type).length;

/** A promise that settles after the current macrotask: lets "at once" be checked without timing anything. */
const nextMacrotask = () => new Promise<'later'>((resolve) => setImmediate(() => resolve('later')));

test('withDeadline resolves with the value of work that finishes in time', async () => {
  const controller = new AbortController();
  const value = await withDeadline('work()', { timeout: 60_000, signal: controller.signal }, Promise.resolve({ answer: 42 }));
  assert.deepEqual(value, { answer: 42 });
});

test('withDeadline without options resolves with the value of the work', async () => {
  assert.equal(await withDeadline('work()', undefined, Promise.resolve('plain')), 'plain');
  assert.equal(await withDeadline('work()', {}, Promise.resolve('empty options')), 'empty options');
  assert.equal(await withDeadline('work()', { timeout: Infinity }, Promise.resolve('infinite')), 'infinite');
});

test('withDeadline rejects with the work’s own error when the work fails in time', async () => {
  const failure = new RangeError('work failed');
  await assert.rejects(withDeadline('work()', { timeout: 60_000 }, Promise.reject(failure)), (err) => err === failure);
});

test('withDeadline rejects with TimeoutError ERR_TIMEOUT when the timeout runs out first', async () => {
  await assert.rejects(withDeadline('Queue.get()', { timeout: 20 }, never()), (err: unknown) => {
    assert.ok(err instanceof TimeoutError);
    assert.ok(err instanceof MultiprocError);
    assert.equal(err.code, 'ERR_TIMEOUT');
    assert.equal(err.name, 'TimeoutError');
    assert.match(err.message, /Queue\.get\(\)/);
    assert.match(err.message, /20 ms/);
    return true;
  });
});

test('withDeadline with timeout 0 times out work that is not already done', async () => {
  await assert.rejects(withDeadline('work()', { timeout: 0 }, never()), { code: 'ERR_TIMEOUT' });
});

test('withDeadline rejects with AbortError ERR_ABORTED, caused by the signal’s reason, when the signal aborts', async () => {
  const controller = new AbortController();
  const reason = new Error('user pressed cancel');
  const pending = withDeadline('Lock.acquire()', { timeout: 60_000, signal: controller.signal }, never());
  setImmediate(() => controller.abort(reason));
  await assert.rejects(pending, (err: unknown) => {
    assert.ok(err instanceof AbortError);
    assert.equal(err.code, 'ERR_ABORTED');
    assert.equal(err.name, 'AbortError');
    assert.equal(err.cause, reason);
    assert.match(err.message, /Lock\.acquire\(\)/);
    return true;
  });
});

test('withDeadline aborts with the signal’s default reason when abort() is given none', async () => {
  const controller = new AbortController();
  const pending = withDeadline('work()', { signal: controller.signal }, never());
  controller.abort();
  await assert.rejects(pending, (err: unknown) => {
    assert.ok(err instanceof AbortError);
    assert.equal(err.cause, controller.signal.reason);
    assert.equal((err.cause as Error).name, 'AbortError'); // the DOMException
    return true;
  });
});

test('withDeadline with an already-aborted signal rejects at once, without waiting for the work', async () => {
  const reason = { why: 'already gone' };
  const signal = AbortSignal.abort(reason);
  const result = withDeadline('work()', { signal }, never()).then(
    () => 'resolved',
    (err: unknown) => err,
  );
  const first = await Promise.race([result, nextMacrotask()]);
  assert.ok(first instanceof AbortError, 'rejected before the next macrotask');
  assert.equal(first.code, 'ERR_ABORTED');
  assert.equal(first.cause, reason);
  assert.equal(getEventListeners(signal, 'abort').length, 0);
});

test('new Deadline() with an already-aborted signal throws AbortError synchronously', () => {
  const signal = AbortSignal.abort('stop');
  assert.throws(() => new Deadline('work()', { signal }), (err: unknown) => err instanceof AbortError && err.cause === 'stop');
});

for (const bad of [-1, -0.5, NaN, '100', true, {}] as unknown[]) {
  test(`a timeout of ${typeof bad === 'string' ? `'${bad}'` : String(bad)} is refused with InvalidArgumentError ERR_INVALID_ARGUMENT`, async () => {
    const isInvalid = (err: unknown) => {
      assert.ok(err instanceof InvalidArgumentError);
      assert.equal(err.code, 'ERR_INVALID_ARGUMENT');
      assert.match(err.message, /timeout/);
      return true;
    };
    assert.throws(() => checkTimeout('work()', bad), isInvalid);
    assert.throws(() => new Deadline('work()', { timeout: bad as number }), isInvalid);
    await assert.rejects(withDeadline('work()', { timeout: bad as number }, Promise.resolve('never returned')), isInvalid);
  });
}

test('checkTimeout turns "no timeout" into Infinity and keeps valid numbers', () => {
  assert.equal(checkTimeout('work()', undefined), Infinity);
  assert.equal(checkTimeout('work()', null), Infinity);
  assert.equal(checkTimeout('work()', Infinity), Infinity);
  assert.equal(checkTimeout('work()', 0), 0);
  assert.equal(checkTimeout('work()', 250), 250);
});

test('after withDeadline resolves, neither its timer nor its abort listener is left behind', async () => {
  const controller = new AbortController();
  const timersBefore = active('Timeout');
  let finish!: (value: string) => void;
  const work = new Promise<string>((resolve) => (finish = resolve));
  const pending = withDeadline('work()', { timeout: 60_000, signal: controller.signal }, work);
  // While it waits, the timer and the listener exist (so the checks below can fail).
  assert.equal(getEventListeners(controller.signal, 'abort').length, 1);
  assert.equal(active('Timeout'), timersBefore + 1);
  finish('done');
  assert.equal(await pending, 'done');
  assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
  assert.equal(active('Timeout'), timersBefore);
});

test('after withDeadline rejects because the work failed, neither its timer nor its abort listener is left behind', async () => {
  const controller = new AbortController();
  const timersBefore = active('Timeout');
  await assert.rejects(withDeadline('work()', { timeout: 60_000, signal: controller.signal }, Promise.reject(new Error('no'))), /no/);
  assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
  assert.equal(active('Timeout'), timersBefore);
});

test('after withDeadline times out, the abort listener is removed', async () => {
  const controller = new AbortController();
  const timersBefore = active('Timeout');
  await assert.rejects(withDeadline('work()', { timeout: 10, signal: controller.signal }, never()), { code: 'ERR_TIMEOUT' });
  assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
  assert.equal(active('Timeout'), timersBefore);
});

test('after withDeadline is aborted, its timer is cleared', async () => {
  const controller = new AbortController();
  const timersBefore = active('Timeout');
  const pending = withDeadline('work()', { timeout: 60_000, signal: controller.signal }, never());
  assert.equal(active('Timeout'), timersBefore + 1);
  controller.abort();
  await assert.rejects(pending, { code: 'ERR_ABORTED' });
  assert.equal(active('Timeout'), timersBefore);
  assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
});

test('disposing a Deadline clears its timer and listener, and it never fires afterwards', async () => {
  const controller = new AbortController();
  const timersBefore = active('Timeout');
  const deadline = new Deadline('work()', { timeout: 5, signal: controller.signal });
  let settled = false;
  deadline.expired.catch(() => (settled = true));
  assert.equal(active('Timeout'), timersBefore + 1);
  deadline[Symbol.dispose]();
  assert.equal(active('Timeout'), timersBefore);
  assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
  controller.abort();
  await new Promise((resolve) => setTimeout(resolve, 30));
  assert.equal(settled, false);
});
