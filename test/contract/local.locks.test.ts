// The lock-family contracts against the process-local backend, in the owner (see local-backend.ts).
import { describe } from 'node:test';
import { describeCapabilities } from './backend.js';
import { local } from './local-backend.js';
import { lockContract } from './lock.contract.js';
import { syncContract } from './sync.contract.js';

describe(`contract: local backend, in the owner (${describeCapabilities(local.capabilities)})`, () => {
  lockContract(() => local);
  syncContract(() => local);
});
