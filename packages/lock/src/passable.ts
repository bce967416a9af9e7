/**
 * Makes the lock family passable: each arrives in another process as a proxy
 * of its own class (and in its owner as the owner's own object).
 *
 * @module
 */
import { fromHandle, registerInternalPassable, type Handle } from '@multiproc/wire';
import { Acquirable } from './acquirable.js';
import { Barrier } from './barrier.js';
import { Condition } from './condition.js';
import { Event } from './event.js';
import { Lock } from './lock.js';
import { RLock } from './rlock.js';
import { BoundedSemaphore, Semaphore } from './semaphore.js';

// Type codes of the lock family in messages (see wire's extension-types.ts; queue uses 2).
const ACQUIRABLE_EXT = 3;
const EVENT_EXT = 4;
const CONDITION_EXT = 5;
const BARRIER_EXT = 6;

type AcquirableKind = 'Lock' | 'RLock' | 'Semaphore' | 'BoundedSemaphore';

const kindOf = (value: Acquirable): AcquirableKind =>
  value instanceof Lock ? 'Lock' : value instanceof RLock ? 'RLock' : value instanceof BoundedSemaphore ? 'BoundedSemaphore' : 'Semaphore';

registerInternalPassable<Acquirable, { k: AcquirableKind; h: Handle }>({
  type: ACQUIRABLE_EXT,
  // Its constructor is protected; the registry only needs it for instanceof.
  Class: Acquirable as unknown as abstract new () => Acquirable,
  module: import.meta.url,
  encode: (value) => ({ k: kindOf(value), h: value.handle }),
  decode: ({ k, h }) =>
    fromHandle<Acquirable>(h, (proxy) => {
      switch (k) {
        case 'Lock':
          return new Lock(proxy);
        case 'RLock':
          return new RLock(proxy);
        case 'BoundedSemaphore':
          return new BoundedSemaphore(1, proxy);
        default:
          return new Semaphore(1, proxy);
      }
    }),
});

registerInternalPassable<Event, Handle>({
  type: EVENT_EXT,
  Class: Event,
  module: import.meta.url,
  encode: (event) => event.handle,
  decode: (h) => fromHandle(h, (proxy) => new Event(proxy)),
});

registerInternalPassable<Condition, { h: Handle; lock: Lock | RLock }>({
  type: CONDITION_EXT,
  Class: Condition,
  module: import.meta.url,
  encode: (condition) => ({ h: condition.handle, lock: condition.lock }),
  decode: ({ h, lock }) => fromHandle(h, (proxy) => new Condition({ ...proxy, lock })),
});

registerInternalPassable<Barrier, { h: Handle; p: number; t: number | undefined }>({
  type: BARRIER_EXT,
  Class: Barrier,
  module: import.meta.url,
  encode: (barrier) => ({ h: barrier.handle, p: barrier.parties, t: barrier.timeout }),
  decode: ({ h, p, t }) => fromHandle(h, (proxy) => new Barrier(p, { ...proxy, ...(t === undefined ? {} : { timeout: t }) })),
});
