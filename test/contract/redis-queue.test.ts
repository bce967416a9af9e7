// The queue contract suite against the Redis backend (see redis-backend.ts).
import { runOnRedis } from './redis-backend.js';
import { queueContract } from './queue.contract.js';

runOnRedis('Queue, JoinableQueue, SimpleQueue', queueContract);
