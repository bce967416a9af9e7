// The owner-connection handshake (src/runtime/handshake.ts) over real Unix sockets: honest ends, and an attacker who
// does not know the secret but can relay, rewrite, record, replay or reflect the messages of ends that do.
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { acceptHandshake, offerHandshake } from '../src/runtime/handshake.js';

const secret = randomBytes(32);
const wrongSecret = randomBytes(32);
/** A pid that is not this process's (every real end in this file is this process). */
const OTHER_PID = process.pid === 4242 ? 4243 : 4242;

// The wire format, written out from the module comment (test 'the messages are the ones the module comment documents'
// checks that the code agrees with it).
const CHALLENGE = 1 + 32; // version ‖ nonceA
const ANSWER = 32 + 32 + 4; // MAC ‖ nonceB ‖ peerPid
const PROOF = 32 + 4; // MAC ‖ ownerPid
function specMac(key: Uint8Array, role: 'peer' | 'owner', version: number, nonceA: Buffer, nonceB: Buffer, peerPid: number, ownerPid: number): Buffer {
  const transcript = Buffer.alloc(1 + 32 + 32 + 4 + 4);
  transcript.writeUInt8(version, 0);
  nonceA.copy(transcript, 1);
  nonceB.copy(transcript, 33);
  transcript.writeUInt32BE(peerPid, 65);
  transcript.writeUInt32BE(ownerPid, 69);
  return createHmac('sha256', key).update(role).update(transcript).digest();
}

type Outcome<T> = { ok: true; value: T } | { ok: false; code: unknown; name: string; message: string };
function settle<T>(promise: Promise<T>): Promise<Outcome<T>> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: Error & { code?: unknown }) => ({ ok: false as const, code: error.code, name: error.name, message: error.message }),
  );
}
function assertAuthFailure(outcome: Outcome<unknown>, what: string): void {
  assert.equal(outcome.ok, false, `${what}: expected ERR_AUTH, but the handshake succeeded (${JSON.stringify(outcome)})`);
  if (outcome.ok) return;
  assert.equal(outcome.code, 'ERR_AUTH', `${what}: ${outcome.message}`);
  assert.equal(outcome.name, 'AuthenticationError');
}

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A Unix socket server in a private directory; each connection goes to `onConnection`. */
async function listen(onConnection: (socket: Socket) => void): Promise<{ path: string; close: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'mp-handshake-'));
  dirs.push(dir);
  const path = join(dir, 's');
  const server = createServer(onConnection);
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return { path, close: () => server.close() };
}

function dial(path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Reads exactly n bytes (a test-side reader, independent of the one under test). */
function read(socket: Socket, n: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let have = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      have = Buffer.concat([have, chunk]);
      if (have.length < n) return;
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.pause();
      if (have.length > n) socket.unshift(have.subarray(n));
      resolve(have.subarray(0, n));
    };
    const onClose = () => reject(new Error(`closed after ${have.length} of ${n} bytes`));
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.resume();
  });
}

/** A real owner (acceptHandshake with `key`): `next()` is the outcome of its next connection. */
async function owner(key: Uint8Array) {
  const outcomes: Array<Promise<Outcome<number>>> = [];
  const waiters: Array<(outcome: Promise<Outcome<number>>) => void> = [];
  const server = await listen((socket) => {
    socket.on('error', () => {});
    const outcome = settle(acceptHandshake(socket, key));
    void outcome.then((o) => (o.ok ? socket.end() : socket.destroy()));
    const waiter = waiters.shift();
    if (waiter) waiter(outcome);
    else outcomes.push(outcome);
  });
  return {
    ...server,
    next: (): Promise<Outcome<number>> => outcomes.shift() ?? new Promise((resolve) => waiters.push(resolve)).then((o) => o as Outcome<number>),
  };
}

/** A real peer (offerHandshake with `key`), meaning to reach owner `ownerPid`. */
async function peer(path: string, key: Uint8Array, ownerPid: number): Promise<Outcome<void>> {
  const socket = await dial(path);
  socket.on('error', () => {});
  const outcome = await settle(offerHandshake(socket, key, ownerPid));
  socket.destroy();
  return outcome;
}

interface Recorded {
  challenge: Buffer;
  answer: Buffer;
  proof: Buffer;
}

/**
 * A relay (the attacker: it does not know the secret) between peers that dial it and the owner at `ownerPath`.
 * `answer` and `proof` may rewrite the peer's answer and the owner's proof on the way; every message is recorded.
 * It needs no knowledge of the challenge's length: the peer answers only once it has the whole challenge, so what the
 * owner sends after the answer was passed on is the proof.
 */
async function relay(ownerPath: string, edit: { answer?: (answer: Buffer) => Buffer; proof?: (proof: Buffer) => Buffer } = {}) {
  const recorded: Recorded[] = [];
  const server = await listen((down) => {
    const record: Recorded = { challenge: Buffer.alloc(0), answer: Buffer.alloc(0), proof: Buffer.alloc(0) };
    recorded.push(record);
    const up = createConnection(ownerPath);
    for (const socket of [up, down]) socket.on('error', () => {});
    up.on('end', () => down.end());
    down.on('end', () => up.end());
    up.on('close', () => down.destroy());
    down.on('close', () => up.destroy());
    let answerSent = false;
    up.on('data', (chunk: Buffer) => {
      if (!answerSent) {
        record.challenge = Buffer.concat([record.challenge, chunk]);
        down.write(chunk);
        return;
      }
      const before = record.proof.length;
      record.proof = Buffer.concat([record.proof, chunk]);
      if (before >= PROOF) return void down.write(chunk);
      if (record.proof.length < PROOF) return;
      const proof = record.proof.subarray(0, PROOF);
      down.write(Buffer.concat([edit.proof ? edit.proof(Buffer.from(proof)) : proof, record.proof.subarray(PROOF)]));
    });
    down.on('data', (chunk: Buffer) => {
      if (answerSent) return void up.write(chunk);
      record.answer = Buffer.concat([record.answer, chunk]);
      if (record.answer.length < ANSWER) return;
      answerSent = true;
      const answer = record.answer.subarray(0, ANSWER);
      up.write(Buffer.concat([edit.answer ? edit.answer(Buffer.from(answer)) : answer, record.answer.subarray(ANSWER)]));
    });
  });
  return { ...server, recorded };
}

/** A fake owner that does not go through acceptHandshake: `script` drives each connection by hand. */
/** A handshake through a relay that edits it, the peer meaning to reach `ownerPid`: how each side ended. */
async function relayed(edit: Parameters<typeof relay>[1], ownerPid = process.pid) {
  const o = await owner(secret);
  const r = await relay(o.path, edit);
  const [accepted, offered] = await Promise.all([o.next(), peer(r.path, secret, ownerPid)]);
  r.close();
  o.close();
  return { accepted, offered };
}

async function fakeOwner(script: (socket: Socket) => Promise<void>) {
  return listen((socket) => {
    socket.on('error', () => {});
    script(socket).catch(() => socket.destroy());
  });
}

describe('owner-connection handshake', () => {
  it('two ends that know the secret: the owner learns the peer’s pid and the peer reaches the owner it meant', async () => {
    const o = await owner(secret);
    const [accepted, offered] = await Promise.all([o.next(), peer(o.path, secret, process.pid)]);
    o.close();
    assert.deepEqual(accepted, { ok: true, value: process.pid });
    assert.deepEqual(offered, { ok: true, value: undefined });
  });

  it('the messages are the ones the module comment documents (a peer written from it claims pid 4242)', async (t) => {
    const o = await owner(secret);
    const socket = await dial(o.path);
    t.after(() => socket.destroy());
    const challenge = await read(socket, CHALLENGE);
    assert.equal(challenge[0], 1, 'version byte');
    const nonceA = challenge.subarray(1);
    const nonceB = randomBytes(32);
    const answer = Buffer.alloc(ANSWER);
    specMac(secret, 'peer', 1, nonceA, nonceB, OTHER_PID, process.pid).copy(answer, 0);
    nonceB.copy(answer, 32);
    answer.writeUInt32BE(OTHER_PID, 64);
    socket.write(answer);
    const proof = await read(socket, PROOF);
    socket.destroy();
    o.close();
    assert.deepEqual(await o.next(), { ok: true, value: OTHER_PID });
    assert.equal(proof.readUInt32BE(32), process.pid);
    assert.deepEqual(proof.subarray(0, 32), specMac(secret, 'owner', 1, nonceA, nonceB, OTHER_PID, process.pid));
  });

  it('a relay that keeps the peer’s valid MAC but claims another pid is rejected by the owner (the pid is under the MAC)', async () => {
    const { accepted, offered } = await relayed({
      answer: (answer) => {
        answer.writeUInt32BE(OTHER_PID, 64);
        return answer;
      },
    });
    assertAuthFailure(accepted, 'owner');
    assertAuthFailure(offered, 'peer');
  });

  it('a relay that keeps the owner’s valid MAC but claims another pid is rejected by the peer', async () => {
    const { offered } = await relayed({
      proof: (proof) => {
        proof.writeUInt32BE(OTHER_PID, 32);
        return proof;
      },
    });
    assertAuthFailure(offered, 'peer');
  });

  it('a peer’s answer only verifies at the owner it was meant for: relayed to another owner (here: reflected to its own process’s listener), it is rejected', async () => {
    // The peer means to reach process OTHER_PID; the relay takes it to this process's owner and dresses the proof up as
    // OTHER_PID's. Before, both ends accepted: the attacker had the peer authenticated at an owner it never chose.
    const { accepted, offered } = await relayed(
      {
        proof: (proof) => {
          proof.writeUInt32BE(OTHER_PID, 32);
          return proof;
        },
      },
      OTHER_PID,
    );
    assertAuthFailure(accepted, 'owner');
    assertAuthFailure(offered, 'peer');
  });

  it('a relay that swaps its own nonce into the peer’s answer is rejected by the owner (the answer covers both nonces)', async () => {
    const { accepted, offered } = await relayed({
      answer: (answer) => {
        randomBytes(32).copy(answer, 32);
        return answer;
      },
    });
    assertAuthFailure(accepted, 'owner');
    assertAuthFailure(offered, 'peer');
  });

  it('a recorded answer or proof does not work in another connection (replay)', async () => {
    const o = await owner(secret);
    const r = await relay(o.path);
    const [accepted, offered] = await Promise.all([o.next(), peer(r.path, secret, process.pid)]);
    r.close();
    assert.equal(accepted.ok && offered.ok, true, 'the recorded handshake itself succeeded');
    const [{ challenge, answer, proof }] = r.recorded as [Recorded];

    // The recorded answer, to the same owner in a new connection.
    const socket = await dial(o.path);
    socket.on('error', () => {});
    socket.write(answer);
    assertAuthFailure(await o.next(), 'owner, replayed answer');
    socket.destroy();
    o.close();

    // The recorded challenge and proof, to a peer in a new connection.
    const fake = await fakeOwner(async (s) => {
      s.write(challenge);
      await read(s, ANSWER);
      s.write(proof);
    });
    assertAuthFailure(await peer(fake.path, secret, process.pid), 'peer, replayed proof');
    fake.close();
  });

  it('the peer’s own answer sent back to it as the owner’s proof is rejected (reflection)', async () => {
    const fake = await fakeOwner(async (s) => {
      s.write(Buffer.concat([Buffer.from([1]), randomBytes(32)]));
      const answer = await read(s, ANSWER);
      const reflected = Buffer.alloc(PROOF);
      answer.copy(reflected, 0, 0, 32);
      reflected.writeUInt32BE(process.pid, 32);
      s.write(reflected);
    });
    assertAuthFailure(await peer(fake.path, secret, process.pid), 'peer');
    fake.close();
  });

  it('a wrong key fails both ways', async () => {
    // A peer with the wrong key: the owner rejects it, and the peer's handshake fails too.
    const o = await owner(secret);
    const [accepted, offered] = await Promise.all([o.next(), peer(o.path, wrongSecret, process.pid)]);
    o.close();
    assertAuthFailure(accepted, 'owner');
    assertAuthFailure(offered, 'peer');

    // An owner with the wrong key, that answers in the documented format anyway: the peer rejects it.
    const fake = await fakeOwner(async (s) => {
      const nonceA = randomBytes(32);
      s.write(Buffer.concat([Buffer.from([1]), nonceA]));
      const answer = await read(s, ANSWER);
      const proof = Buffer.alloc(PROOF);
      specMac(wrongSecret, 'owner', 1, nonceA, answer.subarray(32, 64), answer.readUInt32BE(64), process.pid).copy(proof, 0);
      proof.writeUInt32BE(process.pid, 32);
      s.write(proof);
    });
    assertAuthFailure(await peer(fake.path, secret, process.pid), 'peer');
    fake.close();
  });

  it('an owner that rejects the answer says so (ERR_AUTH); one that closes without a word died (ERR_OWNER_GONE)', async () => {
    const o = await owner(secret);
    const [, refused] = await Promise.all([o.next(), peer(o.path, wrongSecret, process.pid)]);
    o.close();
    assertAuthFailure(refused, 'peer');
    assert.match(refused.ok ? '' : refused.message, /refused this process's answer/);
    // Closed before the challenge (a dying owner's listener), and after the answer, before the proof (died mid-way).
    const silent = await fakeOwner(async (s) => void s.destroy());
    const midway = await fakeOwner(async (s) => {
      s.write(Buffer.concat([Buffer.from([1]), randomBytes(32)]));
      await read(s, ANSWER);
      s.destroy();
    });
    for (const [what, fake] of [['before the challenge', silent], ['before the proof', midway]] as const) {
      const outcome = await peer(fake.path, secret, OTHER_PID);
      fake.close();
      assert.equal(outcome.ok, false, what);
      if (!outcome.ok) assert.equal(outcome.code, 'ERR_OWNER_GONE', `${what}: ${outcome.message}`);
    }
  });

  it('a peer refuses an owner that speaks another handshake version, before it answers', async () => {
    let received = 0;
    let onClosed = () => {};
    const closed = new Promise<void>((resolve) => (onClosed = resolve));
    const fake = await fakeOwner(async (s) => {
      s.on('data', (chunk: Buffer) => (received += chunk.length));
      s.on('close', onClosed);
      s.write(Buffer.concat([Buffer.from([2]), randomBytes(32)]));
    });
    const offered = await peer(fake.path, secret, process.pid);
    await closed;
    fake.close();
    assertAuthFailure(offered, 'peer');
    assert.match(offered.ok ? '' : offered.message, /version 2/);
    assert.equal(received, 0, 'the peer sent nothing');
  });
});
