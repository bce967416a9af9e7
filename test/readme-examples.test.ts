// Every README's example runs and prints what the README says it prints: the first ```ts block
// of the root README and of each package's README, run with tsx from a temporary directory inside
// the repository (so `multiproc` and `@multiproc/*` resolve to the workspace packages), against
// the ```text block that follows it (`<pid>` there stands for any process id).
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runTsx } from './helpers/run-tsx.js';
import { INSTALL_COMMAND, redisServerBinary, startRedis } from '../packages/redis/test/helpers/redis-server.js';

const root = fileURLToPath(new URL('..', import.meta.url));

interface Example {
  readme: string;
  code: string;
  expected: string[];
}

/** The first ```ts block and the first ```text block after it. */
function extractExample(readme: string, text: string): Example {
  const code = /^```ts\n([\s\S]*?)^```$/m.exec(text);
  assert.ok(code, `${readme} has a \`\`\`ts example`);
  const rest = text.slice(code.index + code[0].length);
  const output = /^```text\n([\s\S]*?)^```$/m.exec(rest);
  assert.ok(output, `${readme}: the example is followed by a \`\`\`text block with what it prints`);
  const lines = code[1]!.trimEnd().split('\n').length;
  assert.ok(lines >= 8 && lines <= 22, `${readme}: the example has ${lines} lines; keep it short (10–20)`);
  return { readme, code: code[1]!, expected: output[1]!.trimEnd().split('\n') };
}

const readmes = ['README.md', ...readdirSync(join(root, 'packages')).sort().map((pkg) => join('packages', pkg, 'README.md'))];
const dir = mkdtempSync(join(root, 'test', '.readme-examples-'));

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('README examples', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const readme of readmes) {
    it(`${readme}: the first example runs and prints what the README says`, async (t) => {
      const text = readFileSync(join(root, readme), 'utf8');
      const example = extractExample(readme, text);
      const file = join(dir, `${readme.replace(/[/.]/g, '-')}.ts`);
      writeFileSync(file, example.code);
      // An example that needs a Redis server gets a private one (REDIS_URL), or says loudly that it did not run.
      const needsRedis = text.includes('<!-- example needs: redis-server -->');
      if (needsRedis && !redisServerBinary) return t.skip(`NOT RUN: ${readme}'s example needs redis-server. Fix: ${INSTALL_COMMAND}`);
      const server = needsRedis ? await startRedis() : undefined;
      t.after(() => server?.stop());
      const { code, stdout, stderr } = await runTsx(file, { cwd: dir, ...(server ? { env: { ...process.env, REDIS_URL: server.url } } : {}) });
      assert.equal(code, 0, `${readme}'s example exited with ${code}:\n${stderr}`);
      const lines = stdout.trimEnd().split('\n');
      assert.equal(lines.length, example.expected.length, `${readme}: printed\n${stdout}\nexpected\n${example.expected.join('\n')}`);
      example.expected.forEach((want, i) => {
        const pattern = new RegExp(`^${escape(want).replace(/<pid>/g, '\\d+')}$`);
        assert.match(lines[i]!, pattern, `${readme}: line ${i + 1}`);
      });
    });
  }
});
