// Issue #19 item 6: a parent ended by SIGINT, SIGTERM or SIGHUP leaves none of its temporary directories behind
// (/tmp/multiproc-<pid>-*, /dev/shm/multiproc-journal-<pid>-*, /dev/shm/multiproc-bulk-<pid>-*), and still dies of
// the signal, its children with it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const fixture = fileURLToPath(new URL('./fixtures/leaves-temp-dirs.mjs', import.meta.url));

/** The directories in /tmp (or TMPDIR) and /dev/shm named after `pid`. */
function dirsOf(pid: number): string[] {
  const bases = [...new Set([tmpdir(), '/tmp', '/dev/shm'])].filter((base) => existsSync(base));
  return bases.flatMap((base) => readdirSync(base).filter((name) => /^multiproc-(?:[a-z]+-)?(\d+)-/.exec(name)?.[1] === String(pid)).map((name) => join(base, name)));
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('temporary directories', () => {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    it(`a parent ended by ${signal} removes them and dies of the signal`, async () => {
      const parent = spawn(process.execPath, [fixture], { stdio: ['ignore', 'pipe', 'inherit'] });
      const closed = new Promise<NodeJS.Signals | null>((resolve) => parent.once('close', (_code, signalCode) => resolve(signalCode)));
      let out = '';
      const ready = await new Promise<string>((resolve, reject) => {
        parent.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          out += chunk;
          const line = /ready [\d ]+\n/.exec(out)?.[0];
          if (line) resolve(line);
        });
        void closed.then(() => reject(new Error(`the fixture ended before it was ready:\n${out}`)));
      });
      const [pid, ...children] = ready.trim().split(' ').slice(1).map(Number) as [number, ...number[]];
      const made = dirsOf(pid);
      for (const kind of ['multiproc-', 'multiproc-journal-']) {
        assert.ok(made.some((dir) => new RegExp(`/${kind}${pid}-`).test(dir)), `${kind}${pid}-* was made: ${made.join(', ')}`);
      }
      parent.kill(signal);
      assert.equal(await closed, signal);
      assert.deepEqual(dirsOf(pid), []);
      // The children end too (SIGTERM from the parent; the watchdog would catch any left after 100 ms).
      for (let i = 0; children.some(alive) && i < 100; i++) await sleep(50);
      assert.deepEqual(children.filter(alive), []);
    });
  }
});
