// The multi-host demo (docs/examples/09-cluster-demo.sh): Redis, the caller and two agents on four network
// namespaces joined by veth pairs; the caller's unchanged program runs its Pool on both agents. Needs root and
// iproute2 (CI has both); without them the test says so loudly and does not run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { describeRedis } from './helpers/redis-server.js';

const script = new URL('../../../docs/examples/09-cluster-demo.sh', import.meta.url).pathname;
const canNetns = process.getuid?.() === 0 && spawnSync('ip', ['netns', 'list']).status === 0;

describeRedis('redis: the multi-host demo', () => {
  if (!canNetns) {
    const message = 'NOT RUN: the multi-host demo needs root and iproute2 (ip netns). Fix: run as root with iproute2 installed (apt-get install -y iproute2)';
    process.stderr.write(`\n!!! ${message}\n\n`);
    test('the multi-host demo (no ip netns here)', (t) => t.skip(message));
    return;
  }
  test('one program on one "host", its Pool run by agents on two others, Redis on a fourth', async () => {
    const { stdout } = await promisify(execFile)('bash', [script], { timeout: 110_000 });
    const lines = stdout.trim().split('\n');
    assert.equal(lines.at(-2), 'ONE PROGRAM MANY MACHINES BY CHANGING ONE LINE');
    assert.equal(lines.at(-1), 'ran on: agent-1, agent-2');
    assert.equal(spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout.includes('mpd-'), false, 'no namespace left behind');
  });
});
