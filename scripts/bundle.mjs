#!/usr/bin/env node
// The second half of `pnpm build`: `tsc -b` type-checks and writes the declarations (dist/**/*.d.ts); this writes the
// JavaScript, one bundle per package entry point, with esbuild.
//
// Why bundle: a child process imports our packages before it can run anything, and Node's ESM loader pays per file
// (resolve, read package.json scopes, link, evaluate). Per file, the pool worker's graph was ~130 modules, and a worker
// used 126-182 ms of CPU before its first task; bundled, a dozen files and 66-97 ms (docs/design-notes.md, "What a
// child loads, and why the packages are bundled").
//
// The rules that keep the bundles equivalent to the modules they come from:
// - Every other package (@multiproc/*, msgpackr, ioredis) stays an import, so each package is loaded once per process
//   and its module state (the runtime, registries, error classes) exists once.
// - `splitting`: code shared by two entries of a package (the index and a child's entry) goes into a chunk both import,
//   so it too exists once per process.
// - Every output file is at the top of dist/, where tsc put the top-level modules, so `new URL('./x.js',
//   import.meta.url)` and `dirname(dirname(import.meta.url))` mean in a bundle what they mean in src/. The check below
//   fails the build when such a URL names a file the bundle did not write.
// - Class and function names are part of our errors, class references and function references, so none may change.
//   esbuild renames a top-level name only when two modules of a bundle declare it; the check below fails the build
//   then. It also writes a top-level class that names itself in its body as `var X = class _X {`, whose `name` is
//   '_X': keepClassNames() gives each such class its name back. (esbuild's keepNames would do both, but it wraps
//   every function expression in a call, per call on hot paths.)
//
// Usage: node scripts/bundle.mjs (after tsc -b) | node scripts/bundle.mjs --clean (only removes the JavaScript).
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import ts from 'typescript';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Each package's entry points besides src/index.ts, as output name → source. The output name is the file under dist/
 * that something loads by path: a child's entry, a worker thread, a module a child imports by URL, a bin.
 */
const EXTRA_ENTRIES = {
  process: { 'child-main': 'src/child-main.ts', 'watchdog-worker': 'src/watchdog-worker.ts' },
  pool: { worker: 'src/local/worker.ts' },
  redis: { 'liveness-worker': 'src/liveness-worker.ts', bin: 'src/cli/bin.ts' },
  multiproc: { cli: 'src/cli.ts' },
};

/** Removes the JavaScript of an earlier build (bundles, chunks, maps, and per-file output of older builds). */
function removeOldJavaScript(dir) {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) removeOldJavaScript(path);
    else if (/\.js(\.map)?$/.test(name)) rmSync(path);
  }
}

/** `new URL('./x.js', import.meta.url)` in a bundle's code (not in a string or a comment) must name a file of dist/. */
function checkRelativeUrls(dist, files) {
  const problems = [];
  for (const file of files) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
    const visit = (node) => {
      if (ts.isNewExpression(node) && node.expression.getText(source) === 'URL' && node.arguments?.length === 2) {
        const [path, base] = node.arguments;
        if (ts.isStringLiteral(path) && path.text.startsWith('./') && base.getText(source) === 'import.meta.url' && !existsSync(join(dist, path.text))) {
          problems.push(`${relative(root, file)}: new URL('${path.text}', import.meta.url) names no file of dist/`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return problems;
}

/** `var X = class _X {` (see the header) → the same, with a static block that sets the class's name to 'X'. */
function keepClassNames(file) {
  const code = readFileSync(file, 'utf8');
  const fixed = code.replace(/^(var (\w+) = class _\2\b[^\n{]*\{)$/gm, '$1 static { Object.defineProperty(this, "name", { value: "$2" }); }');
  if (fixed !== code) writeFileSync(file, fixed);
}

/** Names of the classes and functions declared in `dir` (a package's src/), at any depth. */
function declaredNames(dir, names = new Set()) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) declaredNames(path, names);
    else if (entry.name.endsWith('.ts')) {
      const visit = (node) => {
        if ((ts.isClassLike(node) || ts.isFunctionDeclaration(node) || ts.isVariableDeclaration(node)) && node.name && ts.isIdentifier(node.name)) names.add(node.name.text);
        ts.forEachChild(node, visit);
      };
      visit(ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest));
    }
  }
  return names;
}

/** A class or function of a bundle whose name is in no source file: esbuild renamed it (see the header). */
function checkNames(srcDir, files) {
  const names = declaredNames(srcDir);
  const problems = [];
  for (const file of files) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
    for (const statement of source.statements) {
      const declared = [];
      if ((ts.isClassDeclaration(statement) || ts.isFunctionDeclaration(statement)) && statement.name) declared.push(statement.name.text);
      if (ts.isVariableStatement(statement)) {
        for (const d of statement.declarationList.declarations) {
          if (!ts.isIdentifier(d.name) || !d.initializer || !ts.isClassExpression(d.initializer)) continue;
          declared.push(d.name.text);
          const own = d.initializer.name?.text;
          const named = d.initializer.members.some((m) => ts.isClassStaticBlockDeclaration(m) && m.getText(source).includes(`value: "${d.name.text}"`));
          if (own !== undefined && own !== d.name.text && !named) problems.push(`${relative(root, file)}: class ${d.name.text} is named '${own}' in the bundle`);
        }
      }
      for (const name of declared) {
        if (!name.startsWith('__') && !names.has(name)) problems.push(`${relative(root, file)}: '${name}' is a renamed class or function (two modules declare its name): rename one in src/`);
      }
    }
  }
  return problems;
}

const cleanOnly = process.argv.includes('--clean');
const problems = [];
for (const dir of readdirSync(join(root, 'packages')).sort()) {
  const pkgDir = join(root, 'packages', dir);
  if (!existsSync(join(pkgDir, 'src', 'index.ts'))) continue;
  const dist = join(pkgDir, 'dist');
  removeOldJavaScript(dist);
  if (cleanOnly) continue;
  const entryPoints = [{ in: join(pkgDir, 'src/index.ts'), out: 'index' }];
  for (const [out, source] of Object.entries(EXTRA_ENTRIES[dir] ?? {})) entryPoints.push({ in: join(pkgDir, source), out });
  const result = await build({
    absWorkingDir: root,
    entryPoints,
    outdir: dist,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    packages: 'external',
    sourcemap: 'linked',
    sourcesContent: false,
    chunkNames: 'chunk-[hash]',
    tsconfig: join(pkgDir, 'tsconfig.json'),
    metafile: true,
    logLevel: 'warning',
  });
  for (const warning of result.warnings) problems.push(`${dir}: ${warning.text}`);
  const outputs = Object.keys(result.metafile.outputs).filter((file) => file.endsWith('.js')).map((file) => join(root, file));
  for (const file of outputs) keepClassNames(file);
  problems.push(...checkRelativeUrls(dist, outputs), ...checkNames(join(pkgDir, 'src'), outputs));
}

if (problems.length > 0) {
  console.error(`bundle: ${problems.length} problem(s):\n${problems.join('\n')}`);
  process.exit(1);
}
