// The coded errors: every class has a documented ERR_ code, its own name, and
// keeps its cause; every code used anywhere in the sources is in docs/errors.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as wire from '@multiproc/wire';
import { MultiprocError } from '@multiproc/wire';

const root = fileURLToPath(new URL('../../../', import.meta.url));

type AnyClass = abstract new (...args: never[]) => unknown;

/** Every class exported by @multiproc/wire that is MultiprocError or extends it. */
const errorClasses = Object.entries(wire).filter(
  ([, value]) => typeof value === 'function' && (value === MultiprocError || value.prototype instanceof MultiprocError),
) as Array<[string, AnyClass]>;

/**
 * How to build the classes whose constructor is not `(message, options)`, with
 * `cause` as the cause where the constructor takes one. Every other class is
 * built as `new Class(message, { cause })`, the signature of most coded errors.
 */
const special: Record<string, (cause: unknown) => MultiprocError> = {
  MultiprocError: (cause) => new MultiprocError('ERR_SOMETHING', 'base class', { cause }),
  FrameTooLargeError: () => new wire.FrameTooLargeError(10, 5, 'test'),
  FrameTruncatedError: () => new wire.FrameTruncatedError('test', 3),
  FrameDecodeError: (cause) => new wire.FrameDecodeError('test', { cause }),
  TimeoutError: () => new wire.TimeoutError('call()', 5),
  AbortError: (cause) => new wire.AbortError('call()', cause),
};
/** Classes with nothing to wrap: their constructor takes no cause. */
const withoutCause = new Set(['FrameTooLargeError', 'FrameTruncatedError', 'TimeoutError']);

function build(exportName: string, cause: unknown): MultiprocError {
  const make = special[exportName];
  if (make) return make(cause);
  const Class = (wire as unknown as Record<string, new (message: string, options?: { cause?: unknown }) => MultiprocError>)[exportName]!;
  return new Class(`a ${exportName}`, { cause });
}

test('@multiproc/wire exports MultiprocError and its coded subclasses', () => {
  const names = errorClasses.map(([name]) => name);
  for (const name of [
    'MultiprocError',
    'ChannelClosedError',
    'FrameTooLargeError',
    'FrameTruncatedError',
    'FrameDecodeError',
    'ProtocolError',
    'EncodeError',
    'TimeoutError',
    'AbortError',
    'InvalidArgumentError',
    'InvalidStateError',
  ]) {
    assert.ok(names.includes(name), `${name} is exported (found ${names.join(', ')})`);
  }
});

for (const [exportName, Class] of errorClasses) {
  test(`${exportName} has an ERR_ code, its class name as name, and keeps its cause`, () => {
    const cause = new Error('the original failure');
    const error = build(exportName, cause);
    assert.ok(error instanceof Class);
    assert.ok(error instanceof MultiprocError);
    assert.ok(error instanceof Error);
    assert.match(error.code, /^ERR_[A-Z_]+$/);
    assert.equal(error.name, exportName);
    assert.equal(error.name, Class.name);
    assert.ok(error.message.length > 0);
    assert.match(String(error.stack), new RegExp(`^${exportName}: `));
    if (withoutCause.has(exportName)) assert.equal(error.cause, undefined);
    else assert.equal(error.cause, cause);
  });
}

test('each error class has its own code', () => {
  const codes = errorClasses.filter(([name]) => name !== 'MultiprocError').map(([name]) => build(name, undefined).code);
  assert.equal(new Set(codes).size, codes.length, codes.join(', '));
});

test('a subclass of MultiprocError outside the package also gets its class name as name', () => {
  class QuotaExceededError extends MultiprocError {
    constructor() {
      super('ERR_QUOTA', 'over quota');
    }
  }
  const error = new QuotaExceededError();
  assert.equal(error.name, 'QuotaExceededError');
  assert.equal(error.code, 'ERR_QUOTA');
});

/** Every .ts file under `dir`. */
function tsFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) tsFiles(path, out);
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

/** code → the source files that use it as a string literal. */
function codesInSources(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const pkg of readdirSync(join(root, 'packages'))) {
    const src = join(root, 'packages', pkg, 'src');
    let files: string[];
    try {
      files = tsFiles(src);
    } catch {
      continue; // a package without sources yet
    }
    for (const file of files) {
      for (const [, code] of readFileSync(file, 'utf8').matchAll(/'(ERR_[A-Z_]+)'/g)) {
        found.set(code!, [...(found.get(code!) ?? []), file.slice(root.length)]);
      }
    }
  }
  return found;
}

/** The codes in the first column of docs/errors.md's table. */
function documentedCodes(): string[] {
  const text = readFileSync(join(root, 'docs', 'errors.md'), 'utf8');
  return [...text.matchAll(/^\|\s*`?(ERR_[A-Z_]+)`?\s*\|/gm)].map((match) => match[1]!);
}

test('every ERR_ code used in packages/*/src is listed in docs/errors.md', () => {
  const used = codesInSources();
  // The scan itself must work: the wire package alone uses these.
  for (const code of ['ERR_TIMEOUT', 'ERR_ENCODE', 'ERR_FRAME_TOO_LARGE']) assert.ok(used.has(code), `scan found ${code}`);
  const documented = new Set(documentedCodes());
  const missing = [...used].filter(([code]) => !documented.has(code)).map(([code, files]) => `${code} (${files.join(', ')})`);
  assert.deepEqual(missing, [], 'codes used in the sources but missing from docs/errors.md');
});

test('docs/errors.md lists each code once', () => {
  const documented = documentedCodes();
  assert.ok(documented.length >= 10, `${documented.length} rows`);
  assert.equal(new Set(documented).size, documented.length, `listed twice: ${documented.join(', ')}`);
});

test('docs/errors.md names the class of each code of @multiproc/wire correctly', () => {
  const text = readFileSync(join(root, 'docs', 'errors.md'), 'utf8');
  for (const [name] of errorClasses) {
    if (name === 'MultiprocError') continue;
    const { code } = build(name, undefined);
    const row = text.split('\n').find((line) => line.startsWith(`| \`${code}\` |`));
    assert.ok(row, `a row for ${code}`);
    assert.equal(row.split('|')[2]!.trim(), `\`${name}\``, `class of ${code}`);
  }
});

test('isUnsendable: true for a message refused for what it holds (ERR_ENCODE, ERR_FRAME_TOO_LARGE), false for anything else', () => {
  assert.equal(wire.isUnsendable(new wire.EncodeError('x')), true);
  assert.equal(wire.isUnsendable(new wire.FrameTooLargeError(2, 1, 'here', true)), true);
  assert.equal(wire.isUnsendable(new wire.ChannelClosedError('x')), false);
  assert.equal(wire.isUnsendable(new Error('x')), false);
  assert.equal(wire.isUnsendable(undefined), false);
  assert.equal(wire.isUnsendable(null), false);
});
