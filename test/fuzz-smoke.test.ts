// A short run of the fuzzer (test/fuzz/run.ts) with a fixed seed: every target, about 3 s each. CI runs it with the
// suite; the long runs are `npx -y pnpm@10.34.9 fuzz --seconds N` (the figures of the last one are in the fuzzer's
// commit and docs/failure-semantics.md).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const runner = fileURLToPath(new URL('./fuzz/run.ts', import.meta.url));

describe('fuzzer smoke run', () => {
  it('15 s over the frame decoder, the codec, the handshake, the channel and every owner: nothing found', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', runner, '--seconds', '15', '--seed', '19'], { encoding: 'utf8', timeout: 110_000 });
    assert.equal(run.status, 0, `the fuzzer found something (or failed):\n${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /total: \d+ inputs in \d+ s, 0 findings/);
    for (const target of ['frame-decoder', 'codec', 'handshake', 'channel', 'owner']) assert.match(run.stdout, new RegExp(`^${target}: [1-9]\\d* inputs`, 'm'));
  });
});
