/**
 * How a queue's owner serves other processes: one handler per operation of
 * the table in queue-ops.ts. The caller's cancel (timeout, abort, its death)
 * reaches a waiting put, take or join through the call's signal.
 *
 * @module
 */
import { ProtocolError, serveOps } from '@multiproc/wire';
import { QUEUE_OPS, type QueueCalls } from '../queue-ops.js';
import type { QueueState } from './queue-state.js';

/** See the module comment. */
export const QUEUE_SERVICE = serveOps<QueueCalls, QueueState<unknown>>('Queue', QUEUE_OPS, {
  put: (state, [item], context) => state.put(item, context),
  putMany: (state, [items], context) => state.putMany(items, context),
  putNowait: (state, [item]) => state.putNowait(item),
  take: (state, [max, wait], context) => state.take(checkMax(max), wait !== false, context, context.peer, context),
  size: (state) => state.size,
  close: (state) => state.close(),
  taskDone: (state, _args, context) => state.taskDone(context.peer),
  join: (state, _args, context) => state.join(context),
  waiters: (state) => state.waiters,
});

function checkMax(max: unknown): number {
  if (!Number.isInteger(max) || (max as number) < 1) throw new ProtocolError(`Queue: take of ${String(max)} items.`);
  return max as number;
}
