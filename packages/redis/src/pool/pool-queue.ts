/**
 * The task queue of a Pool on Redis: a queue named `pool:<name>` stored as kind 'Pool' (so a Queue of that name is
 * an ERR_OPTIONS_MISMATCH, not a mix-up). Its hash tag also holds the pool's results (`r:<caller>`), the tasks done
 * (`done`), delivery counts (`dc`) and cancels (`cancel`): every pool script touches one slot.
 *
 * @module
 */
import type { RedisBackend } from '../backend.js';
import { RedisQueue } from '../queue/redis-queue.js';
import type { TaskBatch } from './pool-protocol.js';

/** The task queue of pool `name`. */
export function poolQueue(backend: RedisBackend, name: string): RedisQueue<TaskBatch> {
  return new RedisQueue<TaskBatch>(backend, `pool:${name}`, { maxsize: 0, joinable: false }, 'Pool');
}
