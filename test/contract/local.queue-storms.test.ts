// The queue contract's kill storms against the process-local backend, in the owner (see local-backend.ts).
import { describe } from 'node:test';
import { describeCapabilities } from './backend.js';
import { local } from './local-backend.js';
import { queueKillStormContract } from './queue.contract.js';

describe(`contract: local backend, in the owner (${describeCapabilities(local.capabilities)})`, () => {
  queueKillStormContract(() => local);
});
