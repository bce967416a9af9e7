/**
 * The C floor: small programs in fixtures/ (a socketpair stream, a socketpair
 * ping-pong) compiled at bench time into test/bench/.build/ with the first C
 * compiler found, and run for one sample each.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const BUILD_DIR = fileURLToPath(new URL('../.build/', import.meta.url));

/** A compiled C program, or why there is none (no compiler, or it failed). */
export type CProgram = { binary: string; skipped?: undefined } | { binary?: undefined; skipped: string };

const compiled = new Map<string, CProgram>();

/** Compiles fixtures/<name>.c once per run (`cc -O2`, else gcc, else clang). */
export function compileC(name: string): CProgram {
  let program = compiled.get(name);
  if (program) return program;
  const source = fileURLToPath(new URL(`../fixtures/${name}.c`, import.meta.url));
  const binary = `${BUILD_DIR}${name}`;
  mkdirSync(BUILD_DIR, { recursive: true });
  program = { skipped: 'C floor skipped: no C compiler (cc, gcc, clang) on this machine.' };
  for (const cc of ['cc', 'gcc', 'clang']) {
    const result = spawnSync(cc, ['-O2', '-o', binary, source], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
    if (result.error) continue;
    program = result.status === 0 ? { binary } : { skipped: `C floor skipped: ${cc} could not compile ${source}: ${result.stderr.trim()}` };
    break;
  }
  compiled.set(name, program);
  return program;
}

/** Runs a compiled program once and parses the JSON object it prints; {} when it was skipped. */
export function runC(program: CProgram, args: Array<string | number>): Record<string, number> {
  if (!program.binary) return {};
  return JSON.parse(execFileSync(program.binary, args.map(String), { encoding: 'utf8' })) as Record<string, number>;
}
