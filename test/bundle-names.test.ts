// The packages are bundled (scripts/bundle.mjs), and a bundler may rename a class or function: a name that changes
// changes error names, class references and function references between processes. Every exported class and
// function of every built package keeps the name it is exported under.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';

const packages = readdirSync(new URL('../packages/', import.meta.url)).filter((dir) => dir !== 'multiproc');

describe('the built packages keep their names', () => {
  for (const dir of packages) {
    it(`@multiproc/${dir}: every exported class and function is named as exported`, async () => {
      const exports = (await import(`@multiproc/${dir}`)) as Record<string, unknown>;
      const functions = Object.entries(exports).filter(([, value]) => typeof value === 'function');
      assert.ok(functions.length > 0, 'it exports classes or functions');
      for (const [name, value] of functions) assert.equal((value as { name: string }).name, name, `${name} is named '${(value as { name: string }).name}'`);
    });
  }
});
