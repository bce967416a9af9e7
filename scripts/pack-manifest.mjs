#!/usr/bin/env node
// The packages' prepack/postpack step: `npm pack` and `npm publish` in a package folder take package.json as it is,
// and ours says `workspace:^` and `catalog:` (pnpm's protocols), which npm cannot install ("Unsupported URL Type").
// For npm, `prepack` rewrites package.json on disk to what pnpm would publish — real version ranges, and without
// these two scripts, which mean nothing outside the repository — and `postpack` puts the original back. A dependency
// this script cannot resolve fails the pack with a message that says which: no packed manifest holds a protocol.
// pnpm pack (and publish) rewrites the protocols itself: then both steps do nothing, so packing with pnpm never
// changes a file others may be reading (the tests pack while other tests read package.json). Each write is a rename,
// so a reader sees the old file or the new one, never half of one.
//
// Usage (from a package folder, as the lifecycle scripts run it): node ../../scripts/pack-manifest.mjs prepack|postpack
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const manifestPath = join(process.cwd(), 'package.json');
const backupPath = join(process.cwd(), 'package.json.prepack');
const DEPENDENCY_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies', 'devDependencies'];

/** The default catalog of pnpm-workspace.yaml (`catalog:` then indented `name: range` lines). */
function readCatalog() {
  const catalog = new Map();
  let inCatalog = false;
  for (const line of readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8').split('\n')) {
    if (/^catalog:\s*$/.test(line)) inCatalog = true;
    else if (/^\S/.test(line)) inCatalog = false;
    else if (inCatalog) {
      const entry = /^\s+['"]?([^'":]+)['"]?\s*:\s*['"]?([^'"#]+?)['"]?\s*(?:#.*)?$/.exec(line);
      if (entry) catalog.set(entry[1], entry[2]);
    }
  }
  return catalog;
}

/** Versions of the workspace's packages, by name. */
function readWorkspaceVersions() {
  const versions = new Map();
  for (const dir of readdirSync(join(root, 'packages'))) {
    const file = join(root, 'packages', dir, 'package.json');
    if (!existsSync(file)) continue;
    const { name, version } = JSON.parse(readFileSync(file, 'utf8'));
    versions.set(name, version);
  }
  return versions;
}

/** What pnpm publishes for `spec` of dependency `name`, or throws saying why it cannot be resolved. */
export function resolveSpec(name, spec, versions, catalog) {
  if (spec.startsWith('workspace:')) {
    const range = spec.slice('workspace:'.length);
    const version = versions.get(name);
    if (version === undefined) throw new Error(`${name}@${spec}: no package of that name in packages/`);
    if (range === '*') return version;
    if (range === '^' || range === '~') return `${range}${version}`;
    return range;
  }
  if (spec === 'catalog:' || spec === 'catalog:default') {
    const range = catalog.get(name);
    if (range === undefined) throw new Error(`${name}@${spec}: not in the catalog of pnpm-workspace.yaml`);
    return range;
  }
  if (spec.startsWith('catalog:')) throw new Error(`${name}@${spec}: named catalogs are not supported here`);
  return spec;
}

/** The manifest to pack: protocols resolved, the pack scripts dropped. */
export function packedManifest(manifest, versions, catalog) {
  const packed = structuredClone(manifest);
  for (const field of DEPENDENCY_FIELDS) {
    for (const [name, spec] of Object.entries(packed[field] ?? {})) packed[field][name] = resolveSpec(name, spec, versions, catalog);
  }
  if (packed.scripts) {
    delete packed.scripts.prepack;
    delete packed.scripts.postpack;
    if (Object.keys(packed.scripts).length === 0) delete packed.scripts;
  }
  return packed;
}

function restore() {
  if (existsSync(backupPath)) renameSync(backupPath, manifestPath);
}

function writeAtomically(path, text) {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}

const invoked = process.argv[1] === fileURLToPath(import.meta.url);
const byPnpm = /^pnpm\//.test(process.env.npm_config_user_agent ?? '');
const step = !invoked ? 'imported' : byPnpm ? 'pnpm' : process.argv[2];
if (step === 'imported' || step === 'pnpm') {
  // imported by a test for its functions, or packed by pnpm, which resolves the protocols itself: nothing to do
} else if (step === 'prepack') {
  // A pack that failed before its postpack left the original in the backup: start from it.
  restore();
  const text = readFileSync(manifestPath, 'utf8');
  let packed;
  try {
    packed = packedManifest(JSON.parse(text), readWorkspaceVersions(), readCatalog());
  } catch (error) {
    console.error(`prepack: cannot pack ${manifestPath}: ${error.message}. Fix the dependency, or pack with \`pnpm pack\`.`);
    process.exit(1);
  }
  writeAtomically(backupPath, text);
  writeAtomically(manifestPath, `${JSON.stringify(packed, null, 2)}\n`);
} else if (step === 'postpack') {
  restore();
} else {
  console.error('usage: node scripts/pack-manifest.mjs prepack|postpack');
  process.exit(2);
}
