/**
 * Makes Queue, JoinableQueue and SimpleQueue passable: a queue written into a
 * message travels as its backend's reference, and arrives as the owner's own
 * object in the owner, and as the same class over the backend that resolves
 * the reference everywhere else.
 *
 * @module
 */
import { OPENED, registerInternalPassable, type ObjectRef } from '@multiproc/wire';
import { openQueue } from './create-backend.js';
import { JoinableQueue } from './joinable-queue.js';
import type { QueueBackend } from './queue-backend.js';
import { Queue } from './queue.js';
import { SimpleQueue } from './simple-queue.js';

/** Type code of queues in messages (see wire's extension-types.ts). */
const QUEUE_EXT = 2;

type Kind = 'queue' | 'joinable' | 'simple';

interface QueueData {
  k: Kind;
  r: ObjectRef;
  m: number;
}

/** The backend of a queue (its field is protected: only the classes and this encoder read it). */
const backendOf = (queue: Queue<unknown>) => (queue as unknown as { _backend: QueueBackend<unknown> })._backend;

registerInternalPassable<Queue<unknown>, QueueData>({
  type: QUEUE_EXT,
  Class: Queue,
  module: import.meta.url,
  encode: (queue) => ({
    k: queue instanceof JoinableQueue ? 'joinable' : queue instanceof SimpleQueue ? 'simple' : 'queue',
    r: backendOf(queue).ref(),
    m: queue.maxsize,
  }),
  decode: ({ k, r, m }) =>
    openQueue<unknown, Queue<unknown>>(r, { maxsize: m, joinable: k === 'joinable' }, (backend) => {
      const options = { [OPENED]: backend };
      if (k === 'joinable') return new JoinableQueue(options as object);
      if (k === 'simple') return new SimpleQueue(options);
      return new Queue(options as object);
    }),
});
