// The contract suites against an in-memory fake (fake-backend.ts): the public classes over a backend that is
// neither the owner's nor its proxy. It has no Condition or Barrier, and its objects stay in this process.
import { describe } from 'node:test';
import { BACKEND, BoundedSemaphore, Event, JoinableQueue, Lock, Queue, RLock, Semaphore, SimpleQueue } from 'multiproc';
import { describeCapabilities, type ContractBackend } from './backend.js';
import { FAKE } from './fake-backend.js';
import { lockContract } from './lock.contract.js';
import { queueContract } from './queue.contract.js';
import { syncContract } from './sync.contract.js';

const withFake = <O extends object>(options?: O) => ({ ...options, [BACKEND]: FAKE }) as O;

const fake: ContractBackend = {
  name: 'fake',
  capabilities: { crossProcess: false, detectsDeath: false, creatorCallbacks: true },
  queue: async (options) => new Queue(withFake(options)),
  joinableQueue: async (options) => new JoinableQueue(withFake(options)),
  simpleQueue: async () => new SimpleQueue(withFake()),
  lock: async (kind, value) =>
    kind === 'Lock'
      ? new Lock(withFake())
      : kind === 'RLock'
        ? new RLock(withFake())
        : kind === 'Semaphore'
          ? new Semaphore(value, withFake())
          : new BoundedSemaphore(value, withFake()),
  event: async () => new Event(withFake()),
};

describe(`contract: an in-memory fake backend (${describeCapabilities(fake.capabilities)})`, () => {
  queueContract(() => fake);
  lockContract(() => fake);
  syncContract(() => fake);
});
