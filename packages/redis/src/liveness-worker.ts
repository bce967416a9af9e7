/**
 * The liveness heartbeat, in a worker thread: `SET <live key> <pid> PX <ttl>` every third of the TTL, on a
 * connection of its own. It runs beside the user's event loop, so a busy loop there (a long synchronous computation)
 * does not make this process look dead; only the process's death (or a lost machine or network) stops it.
 *
 * No exports: this file is the worker's entry point (see liveness.ts).
 *
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Redis } from 'ioredis';

interface LivenessData {
  connection: Record<string, unknown>;
  key: string;
  value: string;
  ttlMs: number;
}

const data = workerData as LivenessData;
const client = new Redis({
  ...data.connection,
  connectionName: 'multiproc-liveness',
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  retryStrategy: (times: number) => Math.min(times * 100, 1000),
});
// Connection errors are expected while the server is away; the next beat tries again.
client.on('error', () => undefined);

const beat = () => {
  client.set(data.key, data.value, 'PX', data.ttlMs).catch(() => undefined);
};
const timer = setInterval(beat, Math.max(20, Math.floor(data.ttlMs / 3)));
client.once('ready', beat);

parentPort!.on('message', (message: unknown) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  client.disconnect();
  parentPort!.close();
});
