// The README's demo command (`pnpm demo` = build, then `node docs/examples/demo.mjs`) where Node strips TypeScript
// itself: every example runs and exits 0 with no tsx (so an import Node cannot resolve without tsx, such as './x.js'
// for x.ts, fails here).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const DEMO = fileURLToPath(new URL('../docs/examples/demo.mjs', import.meta.url));

function runDemo(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [DEMO], {
      env: { ...process.env, MULTIPROC_EXAMPLE_WAIT: '0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the demo hung:\n${stdout}\n${stderr}`));
    }, 110_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

// Where Node does not strip types (Node 20) the demo runs the examples under tsx, as examples.test.ts does already.
const native = Boolean((process.features as { typescript?: unknown }).typescript);

describe('the demo command', () => {
  it('runs every example in order, each exiting 0, as TypeScript run by Node itself', { skip: !native && 'Node runs no TypeScript itself here: examples.test.ts runs the examples under tsx' }, async () => {
    const { code, stdout, stderr } = await runDemo();
    assert.equal(code, 0, `${stdout}\n${stderr}`);
    const headings = stdout.split('\n').filter((line) => line.startsWith('=== '));
    assert.deepEqual(
      headings.map((h) => /^=== (\d)\./.exec(h)?.[1]),
      ['1', '2', '3', '4', '5', '6', '7'],
    );
    assert.match(stdout, /^All subprocesses done$/m);
    assert.doesNotMatch(stderr, /exited with/);
  });
});
