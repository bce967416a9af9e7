/**
 * The command line of `multiproc worker` (pure: parsed and checked without side effects, so it is tested alone).
 *
 * @module
 */
import { parseArgs } from 'node:util';
import { isAbsolute, resolve } from 'node:path';
import { cpus } from 'node:os';
import { InvalidArgumentError } from '@multiproc/wire';

/** What the command line says. */
export interface WorkerArgs {
  backend: string;
  namespace: string | undefined;
  pool: string;
  /** Absolute paths. */
  modules: string[];
  processes: number;
  livenessTtlMs: number | undefined;
}

/** How to run it, for messages. */
export const WORKER_USAGE =
  'usage: multiproc worker --backend redis://host:6379 [--namespace etl] --pool etl --import ./dist/tasks.js [--import …] [--processes 8] [--liveness-ttl 10000]\n' +
  '  --backend defaults to $MULTIPROC_BACKEND and --namespace to $MULTIPROC_NAMESPACE; --processes to the number of CPUs.';

/**
 * Parses `argv` (after the command name) against `env` and `cwd`.
 *
 * @throws {InvalidArgumentError} `ERR_INVALID_ARGUMENT` for anything missing or malformed (the message has the usage).
 */
export function parseWorkerArgs(argv: string[], env: NodeJS.ProcessEnv, cwd: string): WorkerArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        backend: { type: 'string' },
        namespace: { type: 'string' },
        pool: { type: 'string' },
        import: { type: 'string', multiple: true },
        processes: { type: 'string' },
        'liveness-ttl': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (cause) {
    throw new InvalidArgumentError(`multiproc worker: ${(cause as Error).message}\n${WORKER_USAGE}`, { cause });
  }
  const backend = values.backend ?? env.MULTIPROC_BACKEND;
  if (!backend) throw new InvalidArgumentError(`multiproc worker: --backend (or MULTIPROC_BACKEND) is needed.\n${WORKER_USAGE}`);
  if (!values.pool) throw new InvalidArgumentError(`multiproc worker: --pool names the pool to join.\n${WORKER_USAGE}`);
  const modules = (values.import ?? []).map((m) => (isAbsolute(m) ? m : resolve(cwd, m)));
  if (modules.length === 0) {
    throw new InvalidArgumentError(`multiproc worker: at least one --import <module>: the agent runs only functions of the modules it is started with.\n${WORKER_USAGE}`);
  }
  const processes = values.processes === undefined ? cpus().length : Number(values.processes);
  if (!Number.isInteger(processes) || processes < 1) throw new InvalidArgumentError(`multiproc worker: --processes must be a whole number ≥ 1.\n${WORKER_USAGE}`);
  const ttl = values['liveness-ttl'] === undefined ? undefined : Number(values['liveness-ttl']);
  if (ttl !== undefined && (!Number.isInteger(ttl) || ttl < 100)) throw new InvalidArgumentError(`multiproc worker: --liveness-ttl is ms ≥ 100.\n${WORKER_USAGE}`);
  return { backend, namespace: values.namespace ?? env.MULTIPROC_NAMESPACE, pool: values.pool, modules, processes, livenessTtlMs: ttl };
}
