// The queue contract's kill storms against the Redis backend (see redis-backend.ts).
import { runOnRedis } from './redis-backend.js';
import { queueKillStormContract } from './queue.contract.js';

runOnRedis('Queue kill storms', queueKillStormContract);
