// Every owner's message handling, over its real socket: a child process owns one of every primitive; hostile
// connections (they know the tree's secret, as any process of the tree does) send calls of every operation of every
// primitive, and unknown ones, with hostile arguments, posts, cancels, receipts, replies to nothing, unknown tags,
// mutated messages and control frames. A canary process uses other objects of the same owner all along.
// Promises: the owner never dies; its memory stays bounded; a bad message closes only its own connection (the
// canary never fails, and new connections are served).
import { readFileSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { Codec, Process, Queue, runtime } from 'multiproc';
import { mutateBytes } from '../mutate.js';
import type { Random } from '../random.js';
import { hex, outcomeOf, tally, type Budget, type Finding, type Target, type TargetReport } from '../target.js';
import { ext, frame, hostileValue, rawMsgpack, str } from '../values.js';
import { offerHandshake } from '../../../packages/wire/src/runtime/handshake.js';
import { canary, fuzzOwner } from '../owner-workers.mjs';
import { sample } from './channel.js';

/** Every operation of every primitive today (Queue, JoinableQueue; the Lock family; Event, Condition, Barrier; the lease desk). */
const OPS = ['put', 'putMany', 'putNowait', 'get', 'getNowait', 'getMany', 'size', 'close', 'taskDone', 'join', 'acquire', 'release', 'return', 'locked', 'value', 'set', 'clear', 'isSet', 'wait', 'notify', 'abort', 'reset', 'waiting', 'broken', 'revoke', 'end'];
/** Ids no object has: the fuzzer must not reach the canary's objects (their ids are small integers it could guess). */
const BAD_IDS = [0, -1, 1e9, 2 ** 32, 0.5, NaN, 'x', null];
/** Connections attacking at once; each is recycled after this many messages (blocked calls pile up on a live one). */
const CONNECTIONS = 4;
const MESSAGES_PER_CONNECTION = 300;
/** A new set of targets every this many inputs (a closed Queue or a broken Barrier would otherwise stay so). */
const RENEW_EVERY = 20_000;

interface Handle {
  owner: { pid: number; address: string };
  id: number;
}

/** A small hostile value: the owner target sends many, so large ones are rarer than in the codec target. */
function arg(random: Random): unknown {
  if (random.chance(0.6)) return random.pick([0, 1, -5, NaN, Infinity, 1e9, 'x', true, false, null, undefined, [], {}, { timeout: -1 }, { timeout: NaN }, [1, 2, 3]]);
  return hostileValue(random, 2);
}

/** One hostile message's payload, encoded with the connection's encoder (the owner's decoder follows its records). */
function message(random: Random, encoder: Codec, objects: number[], nextId: () => number, previous: Buffer): Buffer {
  const obj = () => (random.chance(0.9) ? random.pick(objects) : random.pick(BAD_IDS));
  const op = () => (random.chance(0.9) ? random.pick(OPS) : random.pick(['', 'constructor', '__proto__', 'dispatch', 'x'.repeat(300), 'then']));
  const args = () => (random.chance(0.95) ? Array.from({ length: random.int(4) }, () => arg(random)) : arg(random));
  const encode = (value: unknown) => {
    try {
      return Buffer.from(encoder.encode(value));
    } catch {
      return Buffer.from(encoder.encode({ t: 'call', id: nextId(), obj: obj(), op: op(), args: [] }));
    }
  };
  const kind = random.int(100);
  if (kind < 55) return encode({ t: 'call', id: random.chance(0.95) ? nextId() : random.pick([0, -1, 1, 2 ** 40]), obj: obj(), op: op(), args: args() });
  if (kind < 70) return encode({ t: 'post', obj: obj(), op: op(), args: args() });
  if (kind < 76) return encode({ t: 'cancel', id: random.int(50) });
  if (kind < 82) return encode({ t: 'receipt', id: random.int(50), ...(random.chance(0.5) ? { n: arg(random), back: random.chance(0.5) } : {}) });
  if (kind < 85) return encode({ t: 'reply', id: random.int(50), ok: random.chance(0.5), value: arg(random) });
  if (kind < 87) return encode({ t: random.pick(['boot', 'steal', '', 'call ']), id: 1 });
  if (kind < 89) return encode(arg(random));
  if (kind < 95) return mutateBytes(random, previous.length > 0 ? previous : encode({ t: 'call', id: nextId(), obj: obj(), op: op(), args: args() }));
  if (kind < 98) return ext(random.pick([13, 14, 15]), random.chance(0.5) ? Buffer.concat([Buffer.from([0x91]), str('file:///nonexistent-fuzz.mjs')]) : rawMsgpack(random));
  return rawMsgpack(random);
}

/** Connects to `handle`'s owner through its socket and passes the handshake; rejects when it cannot. */
async function dial(handle: Handle): Promise<Socket> {
  const socket = createConnection(handle.owner.address);
  socket.on('error', () => {});
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('close', () => reject(new Error('closed before connecting'))));
  await offerHandshake(socket, runtime().secret, handle.owner.pid);
  return socket;
}

function rssMB(pid: number): number | undefined {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Math.round(Number(kb) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

export const owner: Target = {
  name: 'owner',
  async run(random: Random, budget: Budget): Promise<TargetReport> {
    const findings: Finding[] = [];
    const closes: Record<string, number> = {};
    // The share of time counts from when the owner and the canary are up (starting them may take seconds under load).
    const share = budget.until - Date.now();
    const commands = new Queue<string>();
    const out = new Queue<{ canary?: [unknown, unknown]; targets?: Array<{ handle: Handle }> }>();
    const progress = new Queue<number | string>();
    const ownerProcess = new Process({ target: fuzzOwner, args: [commands, out], name: 'fuzz-owner' }).start();
    const canaryObjects = (await out.get({ timeout: 60_000 })).canary!;
    let targets = (await out.get({ timeout: 60_000 })).targets!;
    const canaryProcess = new Process({ target: canary, args: [...canaryObjects, progress], name: 'fuzz-canary' }).start();
    let ownerDied: string | undefined;
    void ownerProcess.join().then(() => (ownerDied = `the owner exited (code ${ownerProcess.exitCode})`));
    let canaryCount = 0;
    let canaryFailure: string | undefined;
    void (async () => {
      for (;;) {
        const report = await progress.get().catch(() => 'stopped');
        if (typeof report === 'number') canaryCount = report;
        else {
          if (report !== 'stopped') canaryFailure = report;
          return;
        }
      }
    })();

    const rss: Array<[number, number]> = [];
    const started = Date.now();
    const until = started + share;
    const sampler = setInterval(() => {
      const mb = rssMB(ownerProcess.pid!);
      if (mb !== undefined) rss.push([Math.round((Date.now() - started) / 1000), mb]);
    }, 2000);
    let inputs = 0;
    let connections = 0;
    let renewals = 0;
    const recent: Buffer[] = [];

    const attack = async () => {
      while (inputs < budget.maxInputs && Date.now() < until && !ownerDied && !canaryFailure) {
        if (inputs >= (renewals + 1) * RENEW_EVERY) {
          renewals++;
          await commands.put('renew');
          targets = (await out.get({ timeout: 60_000 })).targets!;
        }
        const handles = targets.map((target) => target.handle);
        let socket: Socket;
        try {
          socket = await dial(handles[0]!);
        } catch (error) {
          tally(closes, `dial failed: ${outcomeOf(error)}`);
          if (ownerDied) break;
          continue;
        }
        connections++;
        socket.resume(); // replies are read and dropped
        let open = true;
        const closed = new Promise<void>((resolve) => socket.once('close', () => resolve(void (open = false))));
        const encoder = new Codec();
        let id = 0;
        let previous = Buffer.alloc(0);
        const objects = handles.map((handle) => handle.id);
        for (let n = 0; open && n < MESSAGES_PER_CONNECTION && inputs < budget.maxInputs; n++) {
          inputs++;
          const payload = message(random, encoder, objects, () => ++id, previous);
          previous = payload;
          let bytes = frame(payload);
          if (random.chance(0.02)) bytes = mutateBytes(random, bytes);
          recent.push(bytes);
          if (recent.length > 64) recent.shift();
          if (!socket.write(bytes)) await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), closed]);
          if (n % 8 === 0) await new Promise((resolve) => setImmediate(resolve));
        }
        tally(closes, open ? 'recycled' : 'closed by the owner');
        socket.destroy();
        await closed;
      }
    };
    try {
      await Promise.all(Array.from({ length: CONNECTIONS }, attack));
      // The owner still serves a new, well-behaved connection after all that.
      const after = await dial(targets[0]!.handle).then(
        (socket) => (socket.destroy(), 'served'),
        (error: unknown) => `not served: ${outcomeOf(error)}`,
      );
      if (after !== 'served') findings.push({ target: 'owner', input: inputs, problem: `after the run, a new connection was ${after}` });
    } finally {
      clearInterval(sampler);
    }
    if (ownerDied) findings.push({ target: 'owner', input: inputs, problem: ownerDied, bytes: hex(Buffer.concat(recent)) });
    if (canaryFailure) findings.push({ target: 'owner', input: inputs, problem: `the canary failed: ${canaryFailure}`, bytes: hex(Buffer.concat(recent)) });
    const canaryBefore = canaryCount;
    canaryProcess.kill();
    ownerProcess.kill();
    await Promise.all([canaryProcess.join(), ownerProcess.join()]);
    await Promise.all([commands.close(), out.close(), progress.close()]).catch(() => {});
    return {
      target: 'owner',
      inputs,
      findings,
      figures: {
        connections,
        closes,
        renewals,
        canaryRounds: canaryBefore,
        ownerRssMB: { first: rss[0]?.[1], max: Math.max(...rss.map(([, mb]) => mb)), last: rss.at(-1)?.[1], samples: rss.length > 24 ? sample(rss, 24) : rss },
      },
    };
  },
};
