/**
 * @multiproc/process — Python's `multiprocessing.Process` for Node.js.
 *
 * @packageDocumentation
 */
export { Process, type ProcessOptions, type TerminateOptions } from './process.js';
export { currentProcess, parentProcess, activeChildren, cpuCount, type ParentProcess } from './current.js';
export { isMainModule } from './is-main-module.js';
export { keepSpares, sparesReady } from './spares.js';
export { assertMayStartProcesses } from './start-guard.js';
export { BootstrapError, TargetNotFoundError, ProcessStartError } from './errors.js';
export type { ModuleLocation } from './target-ref.js';
export type { SpawnOptions } from './spawn.js';
export { callerModule } from './call-site.js';
export { describeFunction, type LocateOptions } from './target-ref.js';
export { loadFunction, explainSourceError, type LoadedFunction, type SourceScope } from './resolve-target.js';
export type { FunctionRef } from './protocol.js';
