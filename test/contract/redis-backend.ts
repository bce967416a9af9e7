// The Redis backend (@multiproc/redis) as a ContractBackend, for the runners redis-queue.test.ts, redis-lock.test.ts
// and redis-sync.test.ts (one file per suite: each file has its own time budget, and they run side by side). Every
// object lives in a private redis-server, made with { name, backend } (a fresh name per case); the children a case
// starts reach the same objects through the backend their parent shares with them. Where no redis-server is
// installed, the suites do not run and say so loudly, with the command that fixes it.
import { after, before, describe } from 'node:test';
import { randomBytes } from 'node:crypto';
import { Barrier, BoundedSemaphore, Condition, Event, JoinableQueue, Lock, Queue, RLock, Semaphore, SimpleQueue } from 'multiproc';
import { connect, type RedisBackend } from '@multiproc/redis';
import { describeRedis, startRedis, type RedisServer } from '../../packages/redis/test/helpers/redis-server.js';
import { describeCapabilities, type ContractBackend, type ContractSuite } from './backend.js';

let server: RedisServer | undefined;
let backend: RedisBackend | undefined;
let names = 0;
const prefix = randomBytes(3).toString('hex');
/** A fresh name per object: cases never meet each other's state. */
const name = (kind: string) => `${kind}-${prefix}-${++names}`;
const on = () => ({ backend: backend!, name: name('o') });

const redis: ContractBackend = {
  name: 'redis',
  capabilities: { crossProcess: true, detectsDeath: true, creatorCallbacks: false },
  queue: async (options) => new Queue({ ...on(), ...options }),
  joinableQueue: async (options) => new JoinableQueue({ ...on(), ...options }),
  simpleQueue: async () => new SimpleQueue(on()),
  lock: async (kind, value) =>
    kind === 'Lock' ? new Lock(on()) : kind === 'RLock' ? new RLock(on()) : kind === 'Semaphore' ? new Semaphore(value, on()) : new BoundedSemaphore(value, on()),
  event: async () => new Event(on()),
  condition: async (lock) => new Condition({ ...on(), ...(lock ? { lock: lock === 'Lock' ? new Lock(on()) : new RLock(on()) } : {}) }),
  barrier: async (parties, options) => new Barrier(parties, { ...on(), ...(options?.timeout === undefined ? {} : { timeout: options.timeout }) }),
};

/** Runs `suite` (named `what`) against the Redis backend, on a server of its own. */
export function runOnRedis(what: string, suite: ContractSuite): void {
  describeRedis(`contract: ${what} on the Redis backend`, () => {
    describe(`contract: ${what}, Redis backend (${describeCapabilities(redis.capabilities)})`, () => {
      before(async () => {
        server = await startRedis();
        // A short TTL: a lone process's death is found within about 2 s (a child's is reported by its parent at once).
        backend = await connect(server.url, { namespace: 'contract', livenessTtlMs: 2000 });
      });
      after(async () => {
        await backend?.close();
        await server?.stop();
      });
      suite(() => redis);
    });
  });
}
