/**
 * Mutual HMAC-SHA256 challenge on a fresh connection, before any frame is read
 * (the idea of Python's `deliver_challenge` / `answer_challenge`): each side
 * proves it knows the process tree's secret without sending it, and learns
 * the other's pid.
 *
 *   owner → peer:  nonceA (32 B)
 *   peer → owner:  HMAC(secret, "peer" ‖ nonceA) (32 B) ‖ nonceB (32 B) ‖ pid (4 B)
 *   owner → peer:  HMAC(secret, "owner" ‖ nonceB) (32 B) ‖ pid (4 B)
 *
 * @module
 */
import type { Socket } from 'node:net';
import { AuthenticationError } from '../errors.js';

const NONCE = 32;
const MAC = 32;
const PID = 4;
/** A peer that does not answer in this time is dropped (it cannot hold the owner up). */
const HANDSHAKE_TIMEOUT_MS = 10_000;

// node:crypto is loaded on first use: a child that never connects to another owner never pays for it.
const crypto = () => process.getBuiltinModule('node:crypto');
const mac = (secret: Uint8Array, role: string, nonce: Buffer) => crypto().createHmac('sha256', secret).update(role).update(nonce).digest();
const randomBytes = (n: number) => crypto().randomBytes(n);
const timingSafeEqual = (a: Buffer, b: Buffer) => crypto().timingSafeEqual(a, b);

/** Reads exactly `length` bytes, or fails on close/timeout. Leftover bytes are pushed back. */
function readExactly(socket: Socket, length: number, what: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let have = 0;
    const finish = (error?: Error, data?: Buffer) => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.off('error', onClose);
      if (error) reject(error);
      else resolve(data!);
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      have += chunk.length;
      if (have < length) return;
      socket.pause();
      const all = Buffer.concat(chunks, have);
      if (have > length) socket.unshift(all.subarray(length));
      finish(undefined, all.subarray(0, length));
    };
    const onClose = () => finish(new AuthenticationError(`handshake: the connection closed while waiting for ${what}.`));
    const timer = setTimeout(() => finish(new AuthenticationError(`handshake: no ${what} within ${HANDSHAKE_TIMEOUT_MS} ms.`)), HANDSHAKE_TIMEOUT_MS);
    timer.unref();
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.once('error', onClose);
    socket.resume();
  });
}

/**
 * The owner's side. Resolves with the peer's pid.
 *
 * @throws {AuthenticationError} `ERR_AUTH` when the peer does not know the secret.
 */
export async function acceptHandshake(socket: Socket, secret: Uint8Array): Promise<number> {
  const nonceA = randomBytes(NONCE);
  socket.write(nonceA);
  const answer = await readExactly(socket, MAC + NONCE + PID, 'the peer’s answer');
  if (!timingSafeEqual(answer.subarray(0, MAC), mac(secret, 'peer', nonceA))) {
    throw new AuthenticationError('handshake: a peer answered the challenge with the wrong key; it is not part of this process tree.');
  }
  const nonceB = answer.subarray(MAC, MAC + NONCE);
  const pid = answer.readUInt32BE(MAC + NONCE);
  const reply = Buffer.alloc(MAC + PID);
  mac(secret, 'owner', nonceB).copy(reply, 0);
  reply.writeUInt32BE(process.pid, MAC);
  socket.write(reply);
  return pid;
}

/**
 * The connecting side. Resolves with the owner's pid.
 *
 * @throws {AuthenticationError} `ERR_AUTH` when the owner does not know the secret.
 */
export async function offerHandshake(socket: Socket, secret: Uint8Array): Promise<number> {
  const nonceA = await readExactly(socket, NONCE, 'the owner’s challenge');
  const nonceB = randomBytes(NONCE);
  const answer = Buffer.alloc(MAC + NONCE + PID);
  mac(secret, 'peer', nonceA).copy(answer, 0);
  nonceB.copy(answer, MAC);
  answer.writeUInt32BE(process.pid, MAC + NONCE);
  socket.write(answer);
  const reply = await readExactly(socket, MAC + PID, 'the owner’s proof');
  if (!timingSafeEqual(reply.subarray(0, MAC), mac(secret, 'owner', nonceB))) {
    throw new AuthenticationError('handshake: the owner could not prove it knows this process tree’s key.');
  }
  return reply.readUInt32BE(MAC);
}
