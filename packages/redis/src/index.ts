/**
 * @multiproc/redis — multiproc's Queue, Lock, Event, Condition, Barrier and Pool on Redis or Valkey: objects created
 * with `{ name, backend }` live in the server, so processes on any machine that name the same object share it.
 *
 * @packageDocumentation
 */
import './environment.js';

export { connect, type ConnectOptions } from './connect.js';
export { setDefaultBackend } from '@multiproc/wire';
export { RedisBackend } from './backend.js';
export type { RedisRef } from './named-object.js';
export { runAgent, type Agent, type AgentOptions } from './pool/agent.js';
export { workerMain } from './cli/worker.js';
export { BackendUnavailableError, BackendConfigError, OptionsMismatchError, NoBackendError, PayloadSealError } from './errors.js';
