// The article's programs (docs/examples), run as a user would run them; asserts what they print and in which order.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runTsx } from './helpers/run-tsx.js';

async function runExample(file: string): Promise<{ code: number | null; lines: string[]; stderr: string }> {
  const path = fileURLToPath(new URL(`../docs/examples/${file}`, import.meta.url));
  const { code, stdout, stderr } = await runTsx(path, { env: { ...process.env, MULTIPROC_EXAMPLE_WAIT: '0.1' } });
  return { code, lines: stdout.split('\n').filter(Boolean), stderr };
}

const CTIME = String.raw`\w{3} \w{3} \d{2} \d{2}:\d{2}:\d{2} \d{4}`;
const parentRun = (pid: string) => new RegExp(`^Parent process run\\. subProcess is ${pid}$`);
const parentEnd = new RegExp(`^Parent process end,${CTIME}$`);
const childLine = (pid: string) => new RegExp(`^subProcess ${pid} run, ${CTIME}$`);

function pidOf(lines: string[]): string {
  const pid = lines.map((l) => /^Parent process run\. subProcess is (\d+)$/.exec(l)?.[1]).find(Boolean);
  assert.ok(pid, `the parent printed the child's pid:\n${lines.join('\n')}`);
  return pid;
}

describe('the article’s examples', () => {
  it('1: the parent prints and ends first; the child prints three times after it', async () => {
    const { code, lines, stderr } = await runExample('01-parent-ends-first.ts');
    assert.equal(code, 0, stderr);
    const pid = pidOf(lines);
    assert.equal(lines.length, 5);
    assert.match(lines[0]!, parentRun(pid));
    assert.match(lines[1]!, parentEnd);
    for (const line of lines.slice(2)) assert.match(line, childLine(pid));
  });

  it('2: with daemon = true the child is cut off: only the parent’s lines appear', async () => {
    const { code, lines, stderr } = await runExample('02-daemon.ts');
    assert.equal(code, 0, stderr);
    const pid = pidOf(lines);
    assert.equal(lines.length, 2, lines.join('\n'));
    assert.match(lines[0]!, parentRun(pid));
    assert.match(lines[1]!, parentEnd);
  });

  for (const file of ['03-daemon-join.ts', '04-subclass.ts']) {
    it(`${file.slice(0, 2)}: join() makes the parent wait: three child lines, then the parent's`, async () => {
      const { code, lines, stderr } = await runExample(file);
      assert.equal(code, 0, stderr);
      const pid = pidOf(lines);
      assert.equal(lines.length, 5, lines.join('\n'));
      for (const line of lines.slice(0, 3)) assert.match(line, childLine(pid));
      assert.match(lines[3]!, parentRun(pid));
      assert.match(lines[4]!, parentEnd);
    });
  }

  it('6: the topology: every number squared once, logged once under the lock, all processes exit 0', async () => {
    const { code, lines, stderr } = await runExample('06-topology.ts');
    assert.equal(code, 0, stderr);
    assert.equal(lines[0], 'results: 30 squares, sum 9455');
    assert.match(lines[1]!, /^log: 30 lines, written by [123] consumers under one lock$/);
    assert.equal(lines[2], 'exit codes: 0 0 0 0');
  });

  it('5: Pool(8) runs all 16 tasks, each printing five lines from a worker, then reports the total time', async () => {
    const { code, lines, stderr } = await runExample('05-pool.ts');
    assert.equal(code, 0, stderr);
    assert.match(lines[0]!, /^Run the main process \(\d+\)\.$/);
    assert.equal(lines[1], 'Waiting for all subprocesses done ...');
    const work = lines.slice(2, -2);
    assert.equal(work.length, 16 * 5);
    for (let i = 0; i < 16; i++) assert.equal(work.filter((l) => l.startsWith(`Run child process Process${i} (`)).length, 5);
    assert.ok(new Set(work.map((l) => /\((\d+)\)$/.exec(l)![1])).size > 1, 'the tasks ran in several workers');
    assert.equal(lines.at(-2), 'All subprocesses done');
    assert.match(lines.at(-1)!, /^All process last \d+\.\d\d seconds\.$/);
  });

  it('7: the README quick look prints the squares from the pipe, then from the pool', async () => {
    const { code, lines, stderr } = await runExample('07-quick-look.ts');
    assert.equal(code, 0, stderr);
    assert.deepEqual(lines, ['1', '4', '9', '[ 1, 4, 9 ]']);
  });
});
