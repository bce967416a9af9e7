// The main job: runs the article's programs in order, each in its own Node process, with a heading.
// Plain JavaScript, so that it runs on every Node the packages support. Where Node strips TypeScript itself
// (process.features.typescript: Node >= 22.18, or 23.6), the examples run as `node example.ts`, and so do their
// children; on older Node they run under tsx (`node --import tsx`), which every child then loads too.
// Node's module compile cache is on for them (NODE_COMPILE_CACHE, unless set): a second run compiles nothing.
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const examples = [
  ['01-parent-ends-first.ts', '1. A child process; the parent ends first and the child runs on'],
  ['02-daemon.ts', '2. daemon = true: the child is cut off when the parent ends'],
  ['03-daemon-join.ts', '3. daemon + join(): the parent waits for the child'],
  ['04-subclass.ts', '4. A Process subclass with run()'],
  ['05-pool.ts', '5. Pool(8) running 16 one-second tasks (about 2 s, not 16)'],
  ['06-topology.ts', '6. A topology: producer → Queue → 3 consumers (Lock around a shared file) → Pipes → wait()'],
  ['08-pipeline.ts', "7. A pipeline: stage processes joined by queues, and a grandchild reaching its grandparent's queue"],
];

/** How to run a .ts example on this Node: natively where it strips types, else under tsx. */
export const exampleFlags = () => (process.features.typescript ? [] : ['--import', 'tsx']);
/** The examples' environment: this one, with Node's compile cache on unless it is set already. */
export const exampleEnv = () => ({ NODE_COMPILE_CACHE: join(tmpdir(), 'node-compile-cache'), ...process.env });

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [file, heading] of examples) {
    console.log(`\n=== ${heading} ===`);
    const result = spawnSync(process.execPath, [...exampleFlags(), fileURLToPath(new URL(file, import.meta.url))], {
      stdio: 'inherit',
      env: exampleEnv(),
    });
    if (result.status !== 0) {
      console.error(`${file} exited with ${result.status ?? result.signal}`);
      process.exitCode = 1;
    }
  }
}
