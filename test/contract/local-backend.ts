// The process-local backend in its owner, for the contract runners local.*.test.ts: this process creates every
// object (and owns it); other processes reach it through their proxies.
import { Barrier, BoundedSemaphore, Condition, Event, JoinableQueue, Lock, LOCAL_CAPABILITIES, Queue, RLock, Semaphore, SimpleQueue } from 'multiproc';
import type { ContractBackend } from './backend.js';

export const local: ContractBackend = {
  name: 'local',
  capabilities: LOCAL_CAPABILITIES,
  queue: async (options) => new Queue(options),
  joinableQueue: async (options) => new JoinableQueue(options),
  simpleQueue: async () => new SimpleQueue(),
  lock: async (kind, value) =>
    kind === 'Lock' ? new Lock() : kind === 'RLock' ? new RLock() : kind === 'Semaphore' ? new Semaphore(value) : new BoundedSemaphore(value),
  event: async () => new Event(),
  condition: async (lock) => new Condition(lock ? { lock: lock === 'Lock' ? new Lock() : new RLock() } : {}),
  barrier: async (parties, options) => new Barrier(parties, options),
};

