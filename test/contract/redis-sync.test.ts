// The sync contract suite against the Redis backend (see redis-backend.ts).
import { runOnRedis } from './redis-backend.js';
import { syncContract } from './sync.contract.js';

runOnRedis('Event, Condition, Barrier', syncContract);
