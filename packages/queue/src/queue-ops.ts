/**
 * The queue's operations, named once: the owner serves them (local/queue-service.ts) and
 * the proxy calls them (remote/remote-queue.ts), both from this table.
 *
 * @module
 */
import type { OpTable } from '@multiproc/wire';
import type { QueueWaiters } from './queue-backend.js';

/** The operations a queue's owner serves, as call signatures (arguments as they travel). */
export type QueueCalls<T = unknown> = {
  /** Adds an item, waiting for room. */
  put(item: T): void;
  /** Adds items in order, waiting for room as `put` does (the puts of one tick). */
  putMany(items: T[]): void;
  /** Adds an item if there is room now. */
  putNowait(item: T): void;
  /** Takes up to `max` items, waiting for one if `wait`; the reply is a batch the taker acknowledges. */
  take(max: number, wait: boolean): T[];
  size(): number;
  close(): void;
  taskDone(): void;
  join(): void;
  waiters(): QueueWaiters;
};

/** See the module comment. */
export const QUEUE_OPS = {
  put: {},
  putMany: {},
  putNowait: {},
  take: { batch: true },
  size: {},
  close: {},
  taskDone: {},
  join: {},
  waiters: {},
} as const satisfies OpTable<QueueCalls>;
