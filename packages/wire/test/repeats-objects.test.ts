// mayRepeatObjects (internal): when the encoder may skip identity tracking. It must never answer
// false for a value that could hold an object twice.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mayRepeatObjects } from '../src/repeats-objects.js';

test('a primitive, or a plain array of primitives, holds no object twice', () => {
  for (const value of [1, 'a', null, undefined, true, 10n, [], [5, 1, 'x', undefined, null, 2.5, 7n, false]]) assert.equal(mayRepeatObjects(value), false);
});

test('anything holding an object may repeat it: nested arrays and objects, class instances, array subclasses', () => {
  class List extends Array {}
  const inner = [1];
  for (const value of [[inner, inner], [[1]], [{}], {}, { a: 1 }, new Map(), new Date(), Buffer.from('x'), List.from([1]), Object.create(null)]) assert.equal(mayRepeatObjects(value), true);
});
