// The queue contract's kill storms against the process-local backend through its proxy (see proxy-backend.ts).
import { after, describe } from 'node:test';
import { describeCapabilities } from './backend.js';
import { queueKillStormContract } from './queue.contract.js';
import { proxy, stopOwner } from './proxy-backend.js';

describe(`contract: local backend, through its proxy (${describeCapabilities(proxy.capabilities)})`, () => {
  after(stopOwner);
  queueKillStormContract(() => proxy);
});
