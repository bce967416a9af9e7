// Every package's package.json says what npm and bundlers need to know, truthfully.
// In particular `sideEffects`: modules that register msgpack extensions, passable classes or
// error classes at module scope must be listed, or a bundler that trusts the field drops them.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('..', import.meta.url));
const packageDirs = readdirSync(join(root, 'packages')).sort();

interface PackageJson {
  name: string;
  description?: string;
  keywords?: string[];
  license?: string;
  repository?: { type: string; url: string; directory: string };
  files?: string[];
  sideEffects?: boolean | string[];
  dependencies?: Record<string, string>;
  publishConfig?: { access?: string };
}

const readPackage = (dir: string) => JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) as PackageJson;

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sourceFiles(path, out);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** Statements that only declare (bare `import './x.js'` too: the imported module answers for itself). */
const declarationKinds = new Set([
  ts.SyntaxKind.ImportDeclaration,
  ts.SyntaxKind.ImportEqualsDeclaration,
  ts.SyntaxKind.ExportDeclaration,
  ts.SyntaxKind.ExportAssignment,
  ts.SyntaxKind.FunctionDeclaration,
  ts.SyntaxKind.ClassDeclaration,
  ts.SyntaxKind.InterfaceDeclaration,
  ts.SyntaxKind.TypeAliasDeclaration,
  ts.SyntaxKind.EnumDeclaration,
  ts.SyntaxKind.ModuleDeclaration,
  ts.SyntaxKind.VariableStatement,
  ts.SyntaxKind.EmptyStatement,
]);

/** Source files (relative to src/) with a top-level statement that does something: a call, a loop, an `if`. */
function filesWithSideEffects(dir: string): string[] {
  const src = join(root, 'packages', dir, 'src');
  return sourceFiles(src)
    .filter((file) => {
      const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
      return source.statements.some((statement) => !declarationKinds.has(statement.kind));
    })
    .map((file) => relative(src, file))
    .sort();
}

describe('package.json metadata', () => {
  for (const dir of packageDirs) {
    const pkg = readPackage(dir);

    it(`${pkg.name}: description, keywords, license, repository, files, publishConfig`, () => {
      assert.ok(pkg.description && pkg.description.length > 40, 'a description');
      assert.doesNotMatch(pkg.description, /placeholder/i);
      assert.ok(pkg.keywords && pkg.keywords.length >= 3, 'keywords');
      assert.equal(new Set(pkg.keywords).size, pkg.keywords.length, 'no keyword twice');
      assert.equal(pkg.license, 'MIT');
      assert.equal(pkg.repository?.directory, `packages/${dir}`);
      assert.match(pkg.repository?.url ?? '', /^git\+https:\/\/.+\.git$/);
      assert.ok(pkg.files?.includes('dist'), 'files ships dist');
      assert.equal(pkg.publishConfig?.access, 'public');
      for (const [name, range] of Object.entries(pkg.dependencies ?? {})) {
        if (name === 'multiproc' || name.startsWith('@multiproc/')) assert.equal(range, 'workspace:^', `${name} is a workspace:^ dependency`);
      }
    });

    it(`${pkg.name}: sideEffects lists every module that registers something at load`, () => {
      const effects = filesWithSideEffects(dir).map((file) => `./dist/${file.replace(/\.ts$/, '.js')}`);
      if (pkg.sideEffects === true) return;
      assert.notEqual(pkg.sideEffects, undefined, 'sideEffects is set');
      const listed = pkg.sideEffects === false || pkg.sideEffects === undefined ? [] : pkg.sideEffects;
      for (const file of effects) assert.ok(listed.includes(file), `${file} runs code at load, so sideEffects must list it (or be true)`);
      // Listing more is safe (a variable initialised by a call is not detected above), but not a file that does not exist.
      for (const file of listed) {
        const source = join(root, 'packages', dir, file.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts'));
        assert.ok(statSync(source, { throwIfNoEntry: false }), `sideEffects lists ${file}, which no source file builds`);
      }
    });
  }
});
