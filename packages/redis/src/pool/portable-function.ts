/**
 * Task functions named portably: a module is named by its package (the `name` of the nearest package.json above it)
 * and its path inside that package, plus the export — the same on every machine that runs the same build, whatever
 * directory it is installed in. An agent runs only functions of the modules it was started with (`--import`):
 * nothing in Redis can make it import anything else.
 *
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { InvalidArgumentError } from '@multiproc/wire';
import type { FunctionRef } from '@multiproc/process';

/** A function as it travels to agents. */
export interface PortableFunction {
  /** The function's name, for messages. */
  name: string;
  /** Where it may be found, in order: `<package>:<path in the package>` and the export. */
  candidates: Array<{ module: string; exportName: string }>;
  /**
   * Its source, when the caller could not tell which module exports it (a function imported from another module):
   * an agent then looks for an export of that name and that very source among its own modules. It never runs it.
   */
  source: string | undefined;
}

/** `<package name>:<path inside the package, with / separators>` of a module file. */
export function portableModuleName(file: string): string {
  let dir = dirname(file);
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const name = (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name;
      return `${typeof name === 'string' ? name : ''}:${relative(dir, file).split(sep).join('/')}`;
    }
    const up = dirname(dir);
    if (up === dir) return `:${file.split(sep).join('/')}`;
    dir = up;
  }
}

/**
 * The portable form of a pool function.
 *
 * @throws {InvalidArgumentError} `ERR_INVALID_ARGUMENT` for a function no module exports (agents import modules;
 *   they never run source sent to them).
 */
export function portableFunction(ref: FunctionRef, call: string): PortableFunction {
  const candidates = ref.candidates
    .filter((c) => c.module.startsWith('file:') || c.module.startsWith('/'))
    .map((c) => ({ module: portableModuleName(c.module.startsWith('file:') ? fileURLToPath(c.module) : c.module), exportName: c.exportName }));
  if (candidates.length === 0 && (!ref.source || !ref.name)) {
    throw new InvalidArgumentError(
      `${call}: a Pool on Redis runs functions exported by a module its agents import (multiproc worker --import <module>); ` +
        `'${ref.name || 'anonymous'}' is not exported by a module. Export it, and start the agents with that module.`,
    );
  }
  return { name: ref.name, candidates, source: ref.source };
}

/** What an agent may run: its `--import` modules, by portable name. */
export class AllowedModules {
  /** Portable name → file URL. */
  readonly #byName = new Map<string, string>();
  /** The same, without extension and a leading src/ or dist/ (a caller run from source, agents from its build). */
  readonly #loose = new Map<string, string>();

  readonly #files: readonly string[];
  /** Export name → where it is and its source (filled by `load`). */
  readonly #exports = new Map<string, Array<{ url: string; source: string }>>();

  /** @param files - absolute paths of the modules the agent was started with. */
  constructor(files: readonly string[]) {
    this.#files = files;
    for (const file of files) {
      const name = portableModuleName(file);
      const url = pathToFileURL(file).href;
      this.#byName.set(name, url);
      this.#loose.set(loosely(name), url);
    }
  }

  /** The names it allows, for messages. */
  get names(): string[] {
    return [...this.#byName.keys()];
  }

  /** Imports the modules (their top level runs here, once) to know their exported functions. */
  async load(): Promise<void> {
    for (const file of this.#files) {
      const url = pathToFileURL(file).href;
      const module = (await import(url)) as Record<string, unknown>;
      for (const [name, value] of Object.entries(module)) {
        if (typeof value !== 'function') continue;
        let found = this.#exports.get(name);
        if (!found) this.#exports.set(name, (found = []));
        found.push({ url, source: String(value) });
      }
    }
  }

  /** The module URL and export to run `fn` from, or undefined when no allowed module matches. */
  find(fn: PortableFunction): { url: string; exportName: string } | undefined {
    for (const candidate of fn.candidates) {
      const url = this.#byName.get(candidate.module) ?? this.#loose.get(loosely(candidate.module));
      if (url) return { url, exportName: candidate.exportName };
    }
    // Named by its source: an export of this name whose source is the same (so the same function), never the source run.
    const same = fn.source === undefined ? undefined : this.#exports.get(fn.name)?.find((e) => e.source === fn.source);
    return same && { url: same.url, exportName: fn.name };
  }
}

function loosely(name: string): string {
  const colon = name.indexOf(':');
  const path = name.slice(colon + 1).replace(/^(src|dist|lib|build)\//, '').replace(/\.(m|c)?(t|j)sx?$/, '');
  return `${name.slice(0, colon)}:${path}`;
}
