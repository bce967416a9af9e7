// Operations named once: the owner's dispatch built from a table, and the checks of a blocking call's options.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkBlockingOptions, serveOps, type CallContext, type OpTable } from '@multiproc/wire';

type CounterCalls = {
  add(n: number): number;
  get(): number;
};
const COUNTER_OPS = { add: {}, get: {} } as const satisfies OpTable<CounterCalls>;
const service = serveOps<CounterCalls, { n: number }>('Counter', COUNTER_OPS, {
  add: (state, [n]) => (state.n += n),
  get: (state) => state.n,
});
const context = {} as CallContext;

describe('serveOps', () => {
  it('dispatches each op of the table to its handler, with the arguments as they travel', () => {
    const state = { n: 1 };
    assert.equal(service.dispatch(state, 'add', [2], context), 3);
    assert.equal(service.dispatch(state, 'get', [], context), 3);
  });

  it('an op the table does not have is ERR_PROTOCOL, inherited names included', () => {
    for (const op of ['sub', '__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      assert.throws(() => service.dispatch({ n: 0 }, op, [], context), { code: 'ERR_PROTOCOL', message: new RegExp(`Counter: unknown operation '${op}'`) });
    }
  });
});

describe('checkBlockingOptions', () => {
  it('takes undefined and good options', () => {
    checkBlockingOptions('X.wait()', undefined, 'wait({ timeout: 100 })');
    checkBlockingOptions('X.wait()', { timeout: 0, signal: new AbortController().signal }, 'wait({ timeout: 100 })');
    checkBlockingOptions('X.wait()', { timeout: Infinity }, 'wait({ timeout: 100 })');
  });

  it("names the form to write for Python's positional arguments, and refuses bad timeouts and signals", () => {
    for (const positional of [true, false, 0.1, 5, 'x', null]) {
      assert.throws(() => checkBlockingOptions('X.wait()', positional, 'wait({ timeout: 100 })'), {
        code: 'ERR_INVALID_ARGUMENT',
        message: /^X\.wait\(\): takes an options object, got .*\. Python's positional \(block, timeout\) arguments are not taken here: write wait\(\{ timeout: 100 \}\) \(timeouts are in milliseconds\)\.$/,
      });
    }
    for (const timeout of [-5, NaN, '100']) {
      assert.throws(() => checkBlockingOptions('X.wait()', { timeout }, 'wait({ timeout: 100 })'), { code: 'ERR_INVALID_ARGUMENT', message: /timeout must be a number of milliseconds/ });
    }
    assert.throws(() => checkBlockingOptions('X.wait()', { signal: {} }, 'wait({ timeout: 100 })'), { code: 'ERR_INVALID_ARGUMENT', message: /AbortSignal/ });
    assert.throws(() => checkBlockingOptions('X.wait()', { signal: AbortSignal.abort() }, 'wait({ timeout: 100 })'), { code: 'ERR_ABORTED' });
  });
});
