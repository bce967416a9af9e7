// connectRetryDelay: which failed connects to an owner are tried again, and how soon.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BACKLOG_FULL_BUDGET_MS, connectRetryDelay, REFUSED_ALIVE_BUDGET_MS } from '../src/runtime/connect-retry.js';

const alive = () => true;
const dead = () => false;

test('a full backlog (EAGAIN) is retried with a growing delay, up to its budget', () => {
  assert.deepEqual([1, 2, 3, 8, 20].map((attempt) => connectRetryDelay(attempt, 'EAGAIN', 0, dead)), [1, 2, 4, 100, 100]);
  assert.equal(connectRetryDelay(30, 'EAGAIN', BACKLOG_FULL_BUDGET_MS - 10, dead), 10);
  assert.equal(connectRetryDelay(31, 'EAGAIN', BACKLOG_FULL_BUDGET_MS, dead), undefined);
});

test('nobody listening (ECONNREFUSED) is retried briefly only while the owner’s pid is alive', () => {
  assert.equal(connectRetryDelay(1, 'ECONNREFUSED', 0, dead), undefined);
  assert.equal(connectRetryDelay(1, 'ECONNREFUSED', 0, alive), 1);
  assert.equal(connectRetryDelay(12, 'ECONNREFUSED', REFUSED_ALIVE_BUDGET_MS, alive), undefined);
});

test('anything else is final', () => {
  for (const code of ['ENOENT', 'EACCES', undefined]) assert.equal(connectRetryDelay(1, code, 0, alive), undefined);
});
