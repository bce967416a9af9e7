// Issue #19 item 12: children busy with their parent's objects when the parent is SIGKILLed end quietly (no
// ECONNRESET stack traces, no ERR_OWNER_GONE reports: the echo of the parent's death, to no one).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const fixture = fileURLToPath(new URL('./fixtures/parent-killed.mjs', import.meta.url));

describe('a parent SIGKILLed while its children use its objects', () => {
  it('its children end without printing anything', async () => {
    for (let run = 0; run < 2; run++) {
      const parent = spawn(process.execPath, [fixture], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      parent.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      parent.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      // 'close' waits for every holder of the stderr pipe: the children too.
      const signal = await new Promise<NodeJS.Signals | null>((resolve) => parent.once('close', (_code, signalCode) => resolve(signalCode)));
      assert.equal(signal, 'SIGKILL');
      assert.match(stdout, /^children \d+ \d+ \d+\n$/);
      assert.equal(stderr, '', `run ${run}`);
    }
  });
});
