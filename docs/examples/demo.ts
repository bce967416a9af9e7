// The main job: runs the article's programs in order, each in its own Node process, with a heading.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const examples: Array<[file: string, heading: string]> = [
  ['01-parent-ends-first.ts', '1. A child process; the parent ends first and the child runs on'],
  ['02-daemon.ts', '2. daemon = true: the child is cut off when the parent ends'],
  ['03-daemon-join.ts', '3. daemon + join(): the parent waits for the child'],
  ['04-subclass.ts', '4. A Process subclass with run()'],
  ['05-pool.ts', '5. Pool(8) running 16 one-second tasks (about 2 s, not 16)'],
  ['06-topology.ts', '6. A topology: producer → Queue → 3 consumers (Lock around a shared file) → Pipes → wait()'],
  ['08-pipeline.ts', '7. A pipeline: stage processes joined by queues, and a grandchild reaching its grandparent\'s queue'],
];

for (const [file, heading] of examples) {
  console.log(`\n=== ${heading} ===`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(new URL(file, import.meta.url))], {
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    console.error(`${file} exited with ${result.status ?? result.signal}`);
    process.exitCode = 1;
  }
}
