// The queue contract against the process-local backend, in the owner (see local-backend.ts).
import { describe } from 'node:test';
import { describeCapabilities } from './backend.js';
import { local } from './local-backend.js';
import { queueContract } from './queue.contract.js';

describe(`contract: local backend, in the owner (${describeCapabilities(local.capabilities)})`, () => {
  queueContract(() => local);
});
