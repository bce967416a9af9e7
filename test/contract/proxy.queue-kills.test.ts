// The queue contract's kill points against the process-local backend through its proxy (see proxy-backend.ts).
import { after, describe } from 'node:test';
import { describeCapabilities } from './backend.js';
import { queueKillContract } from './queue.contract.js';
import { proxy, stopOwner } from './proxy-backend.js';

describe(`contract: local backend, through its proxy (${describeCapabilities(proxy.capabilities)})`, () => {
  after(stopOwner);
  queueKillContract(() => proxy);
});
