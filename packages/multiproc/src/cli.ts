#!/usr/bin/env node
/**
 * The `multiproc` command. `multiproc worker …` joins this machine to a Pool on Redis (it needs `@multiproc/redis`
 * installed beside `multiproc`; see its README).
 *
 * @module
 */
const USAGE = 'usage: multiproc worker --backend redis://host:6379 --namespace etl --pool etl --import ./dist/tasks.js --processes 8';

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== 'worker') {
    process.stderr.write(`${command === undefined ? '' : `multiproc: unknown command '${command}'\n`}${USAGE}\n`);
    return 2;
  }
  let redis: { workerMain(argv: string[]): Promise<number> };
  try {
    // An optional peer: only `multiproc worker` needs it.
    redis = (await import('@multiproc/redis')) as typeof redis;
  } catch (error) {
    process.stderr.write(`multiproc worker: @multiproc/redis is not installed (npm install @multiproc/redis): ${(error as Error).message}\n`);
    return 2;
  }
  return await redis.workerMain(rest);
}

process.exitCode = await main(process.argv.slice(2));
