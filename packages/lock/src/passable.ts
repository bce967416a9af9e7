/**
 * Makes the lock family passable: each travels as its backend's reference,
 * and arrives in another process as its own class over the backend that
 * resolves the reference (in its owner: the owner's own object).
 *
 * @module
 */
import { OPENED, registerInternalPassable, type ObjectRef } from '@multiproc/wire';
import { Acquirable } from './acquirable.js';
import { Barrier } from './barrier.js';
import { Condition } from './condition.js';
import { openReceived } from './create-backend.js';
import { Event } from './event.js';
import type { PermitsKind } from './lock-backend.js';
import { Lock } from './lock.js';
import { RLock } from './rlock.js';
import { BoundedSemaphore, Semaphore } from './semaphore.js';

// Type codes of the lock family in messages (see wire's extension-types.ts; queue uses 2).
const ACQUIRABLE_EXT = 3;
const EVENT_EXT = 4;
const CONDITION_EXT = 5;
const BARRIER_EXT = 6;

const CLASSES = { Lock, RLock, Semaphore, BoundedSemaphore } as const;

registerInternalPassable<Acquirable, { k: PermitsKind; r: ObjectRef; v: number }>({
  type: ACQUIRABLE_EXT,
  // Its constructor is protected; the registry only needs it for instanceof.
  Class: Acquirable as unknown as abstract new () => Acquirable,
  module: import.meta.url,
  encode: (value) => ({ k: value._backend.spec.kind, r: value._backend.ref(), v: value._backend.spec.value }),
  decode: ({ k, r, v }) =>
    openReceived(
      r,
      (provider) => provider.openLock(r, { kind: k, value: v }),
      (backend) => {
        const internals = { [OPENED]: backend };
        return k === 'Lock' || k === 'RLock' ? new CLASSES[k](internals) : new CLASSES[k](v, internals);
      },
    ),
});

registerInternalPassable<Event, ObjectRef>({
  type: EVENT_EXT,
  Class: Event,
  module: import.meta.url,
  encode: (event) => event._backend.ref(),
  decode: (r) =>
    openReceived(
      r,
      (provider) => provider.openEvent(r),
      (backend) => new Event({ [OPENED]: backend }),
    ),
});

registerInternalPassable<Condition, { r: ObjectRef; lock: Lock | RLock }>({
  type: CONDITION_EXT,
  Class: Condition,
  module: import.meta.url,
  encode: (condition) => ({ r: condition._backend.ref(), lock: condition.lock }),
  decode: ({ r, lock }) =>
    openReceived(
      r,
      (provider) => provider.openCondition(r, lock._backend),
      (backend) => new Condition({ [OPENED]: backend, lock }),
    ),
});

registerInternalPassable<Barrier, { r: ObjectRef; p: number; t: number | undefined }>({
  type: BARRIER_EXT,
  Class: Barrier,
  module: import.meta.url,
  encode: (barrier) => ({ r: barrier._backend.ref(), p: barrier.parties, t: barrier.timeout }),
  decode: ({ r, p, t }) =>
    openReceived(
      r,
      (provider) => provider.openBarrier(r, { parties: p }),
      (backend) => new Barrier(p, { [OPENED]: backend, ...(t === undefined ? {} : { timeout: t }) }),
    ),
});
