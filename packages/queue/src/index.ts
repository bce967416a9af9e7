/**
 * @multiproc/queue — Python's `multiprocessing` queues for Node.js: Queue,
 * JoinableQueue and SimpleQueue, shared by processes, passable as arguments.
 *
 * @packageDocumentation
 */
import './passable.js';

export { Queue, type QueueOptions } from './queue.js';
export { JoinableQueue, type JoinableQueueOptions } from './joinable-queue.js';
export { SimpleQueue } from './simple-queue.js';
export { EmptyError, FullError, TaskDoneError } from './errors.js';
export { LOCAL_QUEUES } from './create-backend.js';
export { QUEUE_OPS, type QueueCalls } from './queue-ops.js';
export type { ConsumerDeathPolicy, LostItems, QueueBackend, QueueBackendProvider, QueueSpec, QueueWaiters, Taken, TakeOptions, PutOptions } from './queue-backend.js';
