/**
 * @multiproc/pool — Python's `multiprocessing.Pool` for Node.js, built from
 * @multiproc/process and @multiproc/pipe: apply, map, imap, starmap and their
 * async forms; a crashed worker fails only its own task.
 *
 * @packageDocumentation
 */
export { Pool } from './pool.js';
export type { TaskFunction } from './function-table.js';
export type { AnyTaskFunction, ItemFunction, TaskResult, ItemOf, Items, ApplyOptions, ApplyRest, MapCallOptions, ImapCallOptions, AsyncCallOptions, Named, WithModule } from './task-types.js';
export type { PoolOptions, MapOptions, AsyncOptions, TaskOptions } from './pool-options.js';
export { AsyncResult } from './async-result.js';
export type { ImapOptions } from './map-tasks.js';
export type { PoolStats } from './pool-stats.js';
export { TaskKind, type PoolEngine, type PoolEngineProvider, type PoolEngineSetup, type EngineOptions, type FunctionCatalog, type PoolEvents } from './engine.js';
// Re-exported so a pool user needs no second import for the main-module guard and the CPU count.
export { isMainModule, cpuCount } from '@multiproc/process';
// And the latency/CPU knob: how long the pool and its workers poll for a reply before sleeping (0: never).
export { setBusyPoll } from '@multiproc/wire';
export { WorkerCrashedError, ResultDecodeError, PoolClosedError, PoolTerminatedError, PoolQueueFullError, PoolBrokenError, type CrashedTask } from './errors.js';
