/**
 * The liveness heartbeat, in a worker thread: `SET <live key> <pid> PX <ttl>` every quarter of the TTL, on a
 * connection of its own. It runs beside the user's event loop, so a busy loop there (a long synchronous computation)
 * does not make this process look dead; only the process's death (or a lost machine or network) stops it.
 *
 * It speaks the few RESP commands it needs itself (AUTH, SELECT, SET) over node:net or node:tls rather than loading
 * a Redis client into the thread: every process that connects starts one, and a client library costs it tens of
 * milliseconds and megabytes.
 *
 * No exports: this file is the worker's entry point (see liveness.ts).
 *
 * @module
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { parentPort, workerData } from 'node:worker_threads';

interface LivenessData {
  connection: { host?: string; port?: number; path?: string; db?: number; username?: string; password?: string; tls?: ConnectionOptions };
  key: string;
  value: string;
  ttlMs: number;
}

const data = workerData as LivenessData;
const { connection } = data;

/** One command in RESP. */
function command(...args: string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
}

let socket: Socket | undefined;
let stopped = false;
let retry: NodeJS.Timeout | undefined;

function open(): void {
  const options = connection.path ? { path: connection.path } : { host: connection.host ?? '127.0.0.1', port: connection.port ?? 6379 };
  const s = connection.tls ? tlsConnect({ ...connection.tls, ...options }) : netConnect(options);
  socket = s;
  s.setNoDelay?.(true);
  // Replies are not read: a failed SET (the server away, a lost connection) is retried by the next beat.
  s.on('data', () => undefined);
  s.on('error', () => undefined);
  s.on('close', () => {
    if (socket === s) socket = undefined;
    if (!stopped) retry = setTimeout(open, Math.min(1000, data.ttlMs / 4));
  });
  s.once(connection.tls ? 'secureConnect' : 'connect', () => {
    let hello = '';
    if (connection.password) hello += connection.username ? command('AUTH', connection.username, connection.password) : command('AUTH', connection.password);
    if (connection.db) hello += command('SELECT', String(connection.db));
    s.write(hello + beatCommand);
  });
}

const beatCommand = command('SET', data.key, data.value, 'PX', String(data.ttlMs));
const beat = () => socket?.write(beatCommand);
const timer = setInterval(beat, Math.max(20, Math.floor(data.ttlMs / 4)));
open();

parentPort!.on('message', (message: unknown) => {
  if (message !== 'stop') return;
  stopped = true;
  clearInterval(timer);
  clearTimeout(retry);
  socket?.destroy();
  parentPort!.close();
});
