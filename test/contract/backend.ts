// What a contract suite runs against: a backend, as a factory of the public objects over it, and what it can do.
//
// The suites are functions of a ContractBackend: queueContract, queueKillContract (a consumer's kill points) and
// queueKillStormContract (8 kills inside for-await batches, every item counted) in queue.contract.ts; lockContract
// in lock.contract.ts; syncContract (Event, Condition, Barrier) in sync.contract.ts. Each runs in a file of its own
// per backend, since a test file may take 120 s: local.*.test.ts (this process owns the objects), proxy.*.test.ts
// (another process owns them: every call of the test goes through the proxy backend), fake.test.ts (an in-memory
// fake, fake-backend.ts). A new backend needs its runners: a ContractBackend whose factories make the objects over
// it (CPython's mixins), and one file per suite.
//
// A case that needs a capability is registered only for backends that declare it (CPython's ALLOWED_TYPES); the
// runner's name lists the capabilities, so what did not run is plain.
import type { Acquirable, Barrier, BackendCapabilities, Condition, Event, JoinableQueue, LostItems, Queue, SimpleQueue } from 'multiproc';

/** Options of a queue made for a case. */
export interface QueueCase<T> {
  maxsize?: number;
  onConsumerDeath?: 'requeue' | 'done';
  /** Only where `creatorCallbacks`. */
  onLostItems?: (lost: LostItems<T>) => void;
}

/** A backend under test. */
export interface ContractBackend {
  /** Names the runner: `local`, `proxy`, `fake`, `redis`. */
  readonly name: string;
  readonly capabilities: BackendCapabilities;
  queue<T>(options?: QueueCase<T>): Promise<Queue<T>>;
  joinableQueue<T>(options?: QueueCase<T>): Promise<JoinableQueue<T>>;
  simpleQueue<T>(): Promise<SimpleQueue<T>>;
  /** Lock, RLock, Semaphore or BoundedSemaphore (`value` for the semaphores). */
  lock(kind: 'Lock' | 'RLock' | 'Semaphore' | 'BoundedSemaphore', value?: number): Promise<Acquirable>;
  event(): Promise<Event>;
  /** Absent when the backend has no Condition. */
  condition?(lock?: 'Lock' | 'RLock'): Promise<Condition>;
  /** Absent when the backend has no Barrier. `action` only where `creatorCallbacks`. */
  barrier?(parties: number, options?: { action?: () => unknown; timeout?: number }): Promise<Barrier>;
}

/** A function of a backend: registers its cases with node:test (inside the runner's describe). */
export type ContractSuite = (backend: () => ContractBackend) => void;

/** The names of the capabilities a backend has, for its runner's title. */
export function describeCapabilities(capabilities: BackendCapabilities): string {
  const names = Object.entries(capabilities).filter(([, has]) => has).map(([name]) => name);
  return names.length ? names.join(', ') : 'single process';
}

export { until } from '../helpers/until.js';

/**
 * `promise`, with its rejection marked handled now: for a call a case expects to fail while it awaits something else
 * first (its rejection may arrive before the case's `assert.rejects` looks at it).
 */
export function later<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}
