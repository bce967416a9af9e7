/**
 * @multiproc/pipe — Python's `multiprocessing.Pipe` for Node.js: two connected
 * Connections that can be passed to child processes, which then talk directly;
 * and `wait()` over Connections and Processes.
 *
 * @packageDocumentation
 */
import './passable.js';

export { Pipe, type PipeOptions } from './pipe.js';
export { Connection, type RecvOptions } from './connection.js';
export { wait } from './wait.js';
export { BufferTooShortError, EOFError } from './errors.js';
