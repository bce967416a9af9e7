// The task-list codec: what the engine encodes is what a worker reads, task by task (no processes).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TaskKind } from '../src/engine.js';
import { encodeTaskList, TaskListReader } from '../src/local/task-list.js';
import { newTask, watchAbort, type Task } from '../src/local/task.js';

const task = (id: number, fnId: number, kind: TaskKind, payload: unknown[], timeout?: number): Task =>
  newTask(id, fnId, kind, payload, () => {}, timeout, 0);

/** What a reader yields for a task: its id, function, kind, watched flag and arguments (or items). */
function readAll(reader: TaskListReader): unknown[] {
  const out = [];
  while (reader.next()) {
    const { id, fnId, kind, watched, n, payload, a0, a1, a2 } = reader;
    const args = payload ?? [a0, a1, a2].slice(0, n);
    out.push({ id, fnId, kind, watched, args: kind === TaskKind.Call ? args : payload });
  }
  return out;
}

describe('task list', () => {
  it('round-trips calls of 0 to 6 args, map and starmap chunks, and watched tasks, in order, over several lists', () => {
    const tasks = [
      ...[0, 1, 2, 3, 4, 5, 6].map((n) => task(n + 1, n % 3, TaskKind.Call, Array.from({ length: n }, (_, i) => ({ arg: i, of: n })))),
      task(8, 4, TaskKind.Map, [1, 2, 3]),
      task(9, 5, TaskKind.Starmap, [[1, 2], [3, 4]]),
      task(10, 0, TaskKind.Call, [null, undefined, 'x'], 50),
    ];
    const aborted = task(11, 6, TaskKind.Map, [[]]);
    watchAbort(aborted, () => {});
    tasks.push(aborted);
    const expected = tasks.map((t) => ({ id: t.id, fnId: t.fnId, kind: t.kind, watched: t.id >= 10, args: t.payload }));
    const reader = new TaskListReader();
    reader.push(encodeTaskList(tasks.slice(0, 4)));
    reader.push(encodeTaskList(tasks.slice(4)));
    assert.deepEqual(readAll(reader), expected);
    assert.equal(reader.next(), false);
    assert.equal(reader.empty, true);
  });

  it('a list is one flat array: a call\'s args inline, a chunk as one entry', () => {
    const list = encodeTaskList([task(1, 2, TaskKind.Call, ['a', 'b']), task(3, 4, TaskKind.Map, ['c', 'd'])]);
    assert.deepEqual(list, [1, 2, TaskKind.Call, 2, 'a', 'b', 3, 4, TaskKind.Map, 1, ['c', 'd']]);
  });

  it('empty says whether a task is left after the one just read; what was read is cleared from the list', () => {
    const list = encodeTaskList([task(1, 0, TaskKind.Call, [{ big: 1 }]), task(2, 0, TaskKind.Call, [{ big: 2 }])]);
    const reader = new TaskListReader();
    assert.equal(reader.empty, true);
    reader.push(list);
    assert.equal(reader.next(), true);
    assert.equal(reader.empty, false);
    assert.equal(list[4], undefined, 'the first task\'s arg is no longer held by the list');
    assert.equal(reader.next(), true);
    assert.equal(reader.empty, true);
    reader.push(encodeTaskList([task(3, 0, TaskKind.Call, [])]));
    assert.equal(reader.empty, false, 'a list pushed while the last task runs is work left');
    assert.equal(reader.next(), true);
    assert.equal(reader.id, 3);
  });

  it('a payload that is not an array makes the encoder throw (the engine fails those tasks)', () => {
    assert.throws(() => encodeTaskList([task(1, 0, TaskKind.Call, null as unknown as unknown[])]));
  });
});
