// The lock contract suite against the Redis backend (see redis-backend.ts).
import { runOnRedis } from './redis-backend.js';
import { lockContract } from './lock.contract.js';

runOnRedis('Lock, RLock, Semaphore, BoundedSemaphore', lockContract);
