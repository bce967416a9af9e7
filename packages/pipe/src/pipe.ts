/**
 * `Pipe()`: Python's `multiprocessing.Pipe`.
 *
 * @module
 */
import { Connection } from './connection.js';
import { socketPair } from './socket-pair.js';

/** Options of {@link Pipe}. */
export interface PipeOptions {
  /** true: both ends send and receive. false: the first end only receives, the second only sends (as Python). @default true */
  duplex?: boolean;
}

/**
 * Makes a pipe: two connected ends. Pass either end to a child process as an argument;
 * two children holding the two ends talk directly.
 *
 * @example
 * ```ts
 * const [a, b] = Pipe<number>();
 * await b.send(42);
 * await a.recv(); // 42
 * ```
 */
export function Pipe<T = unknown>(options: PipeOptions = {}): [Connection<T>, Connection<T>] {
  const duplex = options.duplex ?? true;
  const pair = socketPair();
  return [
    new Connection<T>({ socket: pair.then(([first]) => first), readable: true, writable: duplex }),
    new Connection<T>({ socket: pair.then(([, second]) => second), readable: duplex, writable: true }),
  ];
}
