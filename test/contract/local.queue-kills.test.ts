// The queue contract's kill points against the process-local backend, in the owner (see local-backend.ts).
import { describe } from 'node:test';
import { describeCapabilities } from './backend.js';
import { local } from './local-backend.js';
import { queueKillContract } from './queue.contract.js';

describe(`contract: local backend, in the owner (${describeCapabilities(local.capabilities)})`, () => {
  queueKillContract(() => local);
});
