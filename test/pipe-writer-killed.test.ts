// Issue #19 item 10: a Pipe writer SIGKILLed in the middle of sendBytes() is the end of the stream for its reader
// (ERR_EOF; `for await` ends), through the socket (5 MiB) or the shared-memory ring (64 KiB–2 MiB): never
// ERR_FRAME_TRUNCATED, never a raw ECONNRESET.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Pipe, Process } from 'multiproc';
import { writeForever } from './fixtures/endless-writer.mjs';

const KiB = 1024;
const MiB = 1024 * KiB;

describe('a Pipe writer killed mid-message', () => {
  for (const [size, runs] of [[5 * MiB, 3], [64 * KiB, 3], [MiB, 3], [2 * MiB, 3]] as const) {
    it(`${size / KiB} KiB messages: the reader's for await ends and recvBytes() rejects with ERR_EOF (${runs} runs)`, async () => {
      for (let run = 0; run < runs; run++) {
        const [mine, theirs] = Pipe<Buffer>();
        const writer = new Process({ target: writeForever, args: [theirs, size] }).start();
        let received = 0;
        // Killed after a few messages: it is then in the middle of the next one (it writes without pause).
        for await (const message of mine) {
          assert.equal(message.length, size);
          if (++received === 3) writer.kill();
        }
        await assert.rejects(mine.recvBytes(), { code: 'ERR_EOF' }, `run ${run}`);
        await writer.join();
        assert.equal(writer.exitCode, -9);
        await mine.close();
      }
    });
  }
});
