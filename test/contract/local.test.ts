// The contract suites against the process-local backend, in its owner: this process creates every object (and owns
// it), other processes reach it through their proxies.
import { describe } from 'node:test';
import { Barrier, BoundedSemaphore, Condition, Event, JoinableQueue, Lock, LOCAL_CAPABILITIES, Queue, RLock, Semaphore, SimpleQueue } from 'multiproc';
import { describeCapabilities, type ContractBackend } from './backend.js';
import { lockContract } from './lock.contract.js';
import { queueContract } from './queue.contract.js';
import { syncContract } from './sync.contract.js';

const local: ContractBackend = {
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

describe(`contract: local backend, in the owner (${describeCapabilities(local.capabilities)})`, () => {
  queueContract(() => local);
  lockContract(() => local);
  syncContract(() => local);
});
