/**
 * Makes Queue, JoinableQueue and SimpleQueue passable: a queue written into a
 * message arrives as the owner's own object in the owner, and as a proxy of
 * the same class everywhere else.
 *
 * @module
 */
import { fromHandle, registerInternalPassable, type Handle } from '@multiproc/wire';
import { JoinableQueue } from './joinable-queue.js';
import { Queue } from './queue.js';
import { SimpleQueue } from './simple-queue.js';

/** Type code of queues in messages (see wire's extension-types.ts). */
const QUEUE_EXT = 2;

type Kind = 'queue' | 'joinable' | 'simple';

interface QueueData {
  k: Kind;
  h: Handle;
  m: number;
}

registerInternalPassable<Queue<unknown>, QueueData>({
  type: QUEUE_EXT,
  Class: Queue,
  module: import.meta.url,
  encode: (queue) => ({
    k: queue instanceof JoinableQueue ? 'joinable' : queue instanceof SimpleQueue ? 'simple' : 'queue',
    h: queue.handle,
    m: queue.maxsize,
  }),
  decode: ({ k, h, m }) =>
    fromHandle<Queue<unknown>>(h, (proxy) => {
      const options = { ...proxy, maxsize: m };
      if (k === 'joinable') return new JoinableQueue(options);
      if (k === 'simple') return new SimpleQueue(options);
      return new Queue(options);
    }),
});
