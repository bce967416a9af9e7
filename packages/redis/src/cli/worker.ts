/**
 * `multiproc worker`: joins this machine to a Pool on Redis. It connects, checks its modules, runs an agent
 * (pool/agent.ts) until SIGINT or SIGTERM, then finishes the tasks it holds, releases its state and exits. Its boot
 * line names the server without credentials.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import type { RedisBackend } from '../backend.js';
import { connect } from '../connect.js';
import { runAgent } from '../pool/agent.js';
import { parseWorkerArgs } from './worker-args.js';

/** Runs the worker command with `argv` (after `worker`); resolves with the exit code once it stopped. */
export async function workerMain(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseWorkerArgs(argv, process.env, process.cwd());
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  const missing = args.modules.filter((m) => !existsSync(m));
  if (missing.length > 0) {
    process.stderr.write(`multiproc worker: no such module: ${missing.join(', ')}\n`);
    return 2;
  }
  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const options = {
    ...(args.namespace === undefined ? {} : { namespace: args.namespace }),
    ...(args.livenessTtlMs === undefined ? {} : { livenessTtlMs: args.livenessTtlMs }),
  };
  // A machine may start before the server does: try again every second until it answers (or the worker is stopped).
  let backend: RedisBackend | undefined;
  let stopping = false;
  void stopped.then(() => (stopping = true));
  while (!backend && !stopping) {
    try {
      backend = await connect(args.backend, options);
    } catch (error) {
      if ((error as { code?: string }).code !== 'ERR_BACKEND_UNAVAILABLE') throw error;
      process.stderr.write(`multiproc worker ${process.pid}: waiting for the server (${(error as Error).message})\n`);
      await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, 1000))]);
    }
  }
  if (!backend) return 0;
  const agent = await runAgent(backend, { pool: args.pool, modules: args.modules, processes: args.processes });
  process.stdout.write(
    `multiproc worker ${process.pid}: pool '${args.pool}' on ${backend.server} namespace '${backend.namespace}', ${args.processes} processes, ` +
      `modules ${args.modules.join(', ')}\n`,
  );
  await stopped;
  await agent.stop();
  await backend.close();
  return 0;
}
