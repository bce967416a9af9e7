// The queue contract's kill points against the Redis backend (see redis-backend.ts).
import { runOnRedis } from './redis-backend.js';
import { queueKillContract } from './queue.contract.js';

runOnRedis('Queue kill points', queueKillContract);
