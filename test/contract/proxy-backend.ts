// The process-local backend through its proxy, for the contract runners proxy.*.test.ts: another process
// (fixtures/owner.mjs) creates and owns every object, so each call of this process goes through the proxy backend
// to the owner, and the children it starts are proxies too (they reach the owner directly, not through this process).
import { LOCAL_CAPABILITIES, Pipe, Process, type Connection } from 'multiproc';
import type { ContractBackend } from './backend.js';
import { serveObjects } from './fixtures/owner.mjs';

type Reply = { ok: unknown } | { error: Error };

let owner: { process: Process; conn: Connection<unknown> } | undefined;
let turn: Promise<unknown> = Promise.resolve();

/** Asks the owner process for a new object (one request at a time). */
function ask<T>(what: string, options?: object): Promise<T> {
  const request = turn.then(async () => {
    if (!owner) {
      const [ours, theirs] = Pipe<unknown>();
      owner = { process: new Process({ target: serveObjects, args: [theirs], name: 'contract-owner' }).start(), conn: ours };
    }
    await owner.conn.send({ what, options });
    const reply = (await owner.conn.recv({ timeout: 60_000 })) as Reply;
    if ('error' in reply) throw reply.error;
    return reply.ok as T;
  });
  turn = request.catch(() => {});
  return request;
}

export const proxy: ContractBackend = {
  name: 'proxy',
  // Callbacks given at creation would run in the owner process, which this test cannot hand functions to.
  capabilities: { ...LOCAL_CAPABILITIES, creatorCallbacks: false },
  queue: (options) => ask('queue', options),
  joinableQueue: (options) => ask('joinableQueue', options),
  simpleQueue: () => ask('simpleQueue'),
  lock: (kind, value) => ask('lock', { kind, value }),
  event: () => ask('event'),
  condition: (lock) => ask('condition', { lock }),
  barrier: (parties, options) => ask('barrier', { parties, timeout: options?.timeout }),
};

/** Ends the owner process (after the runner's cases). */
export async function stopOwner(): Promise<void> {
  if (!owner) return;
  await owner.conn.close();
  await owner.process.join({ timeout: 30_000 });
  owner = undefined;
}
