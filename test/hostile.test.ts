// A peer that sends what it should not: only its own connection is closed; the owner and its other peers go on.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Process, Queue } from 'multiproc';
import { misbehave, postNonsense, putSome } from './fixtures/hostile-peer.mjs';

describe('hostile peers', () => {
  it('a wrong key, undecodable bytes, a huge length prefix and an unknown tag each close only that connection', async () => {
    const queue = new Queue<number>();
    const report = new Queue<Record<string, string>>();
    // A well-behaved child is connected the whole time.
    const good = new Process({ target: putSome, args: [queue, 3] }).start();
    const bad = new Process({ target: misbehave, args: [queue, report] }).start();
    assert.deepEqual(await report.get({ timeout: 30_000 }), { wrongKey: 'closed', garbage: 'closed', hugeLength: 'closed', unknownTag: 'closed' });
    await Promise.all([good.join(), bad.join()]);
    assert.equal(bad.exitCode, 0);
    assert.deepEqual([await queue.get(), await queue.get(), await queue.get()], [0, 1, 2]);
    // The owner still serves new processes.
    const after = new Process({ target: putSome, args: [queue, 2] }).start();
    assert.deepEqual([await queue.get({ timeout: 30_000 }), await queue.get({ timeout: 30_000 })], [0, 1]);
    await after.join();
  });

  it('a peer that posts nonsense in a loop gets at most 10 warnings printed by the owner, not one each', async () => {
    const queue = new Queue<number>();
    const report = new Queue<string>();
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on('warning', onWarning);
    try {
      const poster = new Process({ target: postNonsense, args: [queue, report, 200] }).start();
      assert.equal(await report.get({ timeout: 30_000 }), 'answered');
      await poster.join();
    } finally {
      process.off('warning', onWarning);
    }
    const about = warnings.filter((message) => /nonsense|further failed posts/.test(message));
    assert.ok(about.length <= 11, `${about.length} warnings`);
    assert.match(about.at(-1)!, /further failed posts from process \d+ are not reported/);
  });
});
