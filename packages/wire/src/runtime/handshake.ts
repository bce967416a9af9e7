/**
 * Mutual HMAC-SHA256 challenge on a fresh connection, before any frame is read
 * (the idea of Python's `deliver_challenge` / `answer_challenge`): each side
 * proves it knows the process tree's secret without sending it, and learns
 * the other's pid, authenticated.
 *
 *   owner → peer:  version (1 B) ‖ nonceA (32 B)
 *   peer → owner:  HMAC(secret, "peer" ‖ T) (32 B) ‖ nonceB (32 B) ‖ peerPid (4 B)
 *   owner → peer:  HMAC(secret, "owner" ‖ T) (32 B) ‖ ownerPid (4 B)
 *
 *   where T = version ‖ nonceA ‖ nonceB ‖ peerPid ‖ ownerPid (73 B; pids are uint32 big-endian)
 *
 * An owner that rejects the peer's answer sends 36 zero bytes in place of its
 * proof before it closes (no MAC is all zeros but by chance of 2^-256). So a
 * peer tells a refusal (`ERR_AUTH`) from an owner that closed without a word
 * because it died or is dying (`ERR_OWNER_GONE`): after an owner's SIGKILL its
 * socket file stays, and a connect may still reach the dying listener.
 *
 * Both MACs cover the whole transcript: the protocol version, both nonces and
 * both pids. In the peer's MAC, ownerPid is the pid of the owner the peer means
 * to reach (it is in the handle's address); the owner checks that MAC with its
 * own pid, so an answer only verifies at the owner it was meant for. Hence:
 *
 * - neither pid can be changed on the way (each is under the MAC of the side that claims it);
 * - a recorded answer or proof is worthless in another connection (each side's nonce is fresh);
 * - a peer's answer relayed to another owner, or reflected back to a listener of
 *   the process that wrote it, does not verify (it names the owner it was meant for);
 * - the peer's own answer sent back as the owner's proof does not verify (the
 *   role label differs; the rest of the input is the same transcript);
 * - a side speaking another version fails (the version byte is under both MACs,
 *   and the peer refuses an unknown one before it answers).
 *
 * What it does not do: it authenticates the two ends, not the bytes that follow.
 * Frames after it carry no MAC, so a relay between the right peer and the right
 * owner could still read or inject traffic. Over Unix sockets in a 0700
 * directory no one else can sit there; a TCP transport must add that itself
 * (TLS, or frames MACed with a key derived from this transcript).
 *
 * @module
 */
import type { Socket } from 'node:net';
import { AuthenticationError, OwnerGoneError } from '../errors.js';

/** The handshake's version: the first byte the owner sends, and the first byte of the MACed transcript. */
const VERSION = 1;
const NONCE = 32;
const MAC = 32;
const PID = 4;
/** A peer that does not answer in this time is dropped (it cannot hold the owner up). */
const HANDSHAKE_TIMEOUT_MS = 10_000;

// node:crypto is loaded on first use: a child that never connects to another owner never pays for it.
const crypto = () => process.getBuiltinModule('node:crypto');
const randomBytes = (n: number) => crypto().randomBytes(n);
const timingSafeEqual = (a: Buffer, b: Buffer) => crypto().timingSafeEqual(a, b);

/** HMAC(secret, role ‖ version ‖ nonceA ‖ nonceB ‖ peerPid ‖ ownerPid). */
function mac(secret: Uint8Array, role: 'peer' | 'owner', nonceA: Buffer, nonceB: Buffer, peerPid: number, ownerPid: number): Buffer {
  const transcript = Buffer.alloc(1 + NONCE + NONCE + PID + PID);
  transcript.writeUInt8(VERSION, 0);
  nonceA.copy(transcript, 1);
  nonceB.copy(transcript, 1 + NONCE);
  transcript.writeUInt32BE(peerPid, 1 + 2 * NONCE);
  transcript.writeUInt32BE(ownerPid, 1 + 2 * NONCE + PID);
  return crypto().createHmac('sha256', secret).update(role).update(transcript).digest();
}

/** What an owner sends in place of its proof when it rejects the peer's answer. */
const REFUSED = Buffer.alloc(MAC + PID);

/**
 * Reads exactly `length` bytes, or fails on close/timeout (with `closedError()` if the connection closed). Leftover
 * bytes are pushed back.
 */
function readExactly(socket: Socket, length: number, what: string, closedError?: () => Error): Promise<Buffer> {
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
    const onClose = () => finish(closedError?.() ?? new AuthenticationError(`handshake: the connection closed while waiting for ${what}.`));
    const timer = setTimeout(() => finish(new AuthenticationError(`handshake: no ${what} within ${HANDSHAKE_TIMEOUT_MS} ms.`)), HANDSHAKE_TIMEOUT_MS);
    timer.unref();
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.once('error', onClose);
    socket.resume();
  });
}

/**
 * The owner's side. Resolves with the peer's pid (authenticated: it is under the peer's MAC).
 *
 * @throws {AuthenticationError} `ERR_AUTH` when the peer does not prove it knows the secret, or its answer was meant
 * for another owner, another connection or another version of the handshake.
 */
export async function acceptHandshake(socket: Socket, secret: Uint8Array): Promise<number> {
  const nonceA = randomBytes(NONCE);
  const challenge = Buffer.alloc(1 + NONCE);
  challenge.writeUInt8(VERSION, 0);
  nonceA.copy(challenge, 1);
  socket.write(challenge);
  const answer = await readExactly(socket, MAC + NONCE + PID, 'the peer’s answer');
  const nonceB = answer.subarray(MAC, MAC + NONCE);
  const peerPid = answer.readUInt32BE(MAC + NONCE);
  if (!timingSafeEqual(answer.subarray(0, MAC), mac(secret, 'peer', nonceA, nonceB, peerPid, process.pid))) {
    socket.write(REFUSED);
    throw new AuthenticationError(
      'handshake: a peer’s answer to the challenge does not verify (wrong key, or an answer meant for another owner or connection); ' +
        'it is not part of this process tree.',
    );
  }
  const proof = Buffer.alloc(MAC + PID);
  mac(secret, 'owner', nonceA, nonceB, peerPid, process.pid).copy(proof, 0);
  proof.writeUInt32BE(process.pid, MAC);
  socket.write(proof);
  return peerPid;
}

/**
 * The connecting side, meaning to reach the owner with pid `ownerPid`. Resolves once that owner has proved
 * it knows the secret.
 *
 * @throws {AuthenticationError} `ERR_AUTH` when the other end speaks another version of the handshake, refuses this
 * side's answer, does not prove it knows the secret, or is not process `ownerPid`.
 * @throws {OwnerGoneError} `ERR_OWNER_GONE` when the connection closes before the owner's challenge or proof, without
 * a refusal: the owner died (or is dying).
 */
export async function offerHandshake(socket: Socket, secret: Uint8Array, ownerPid: number): Promise<void> {
  const gone = (what: string) => () =>
    new OwnerGoneError(`handshake: process ${ownerPid} closed the connection before ${what}, without refusing it: it has exited (or is exiting).`);
  const challenge = await readExactly(socket, 1 + NONCE, 'the owner’s challenge', gone('its challenge'));
  const version = challenge.readUInt8(0);
  if (version !== VERSION) {
    throw new AuthenticationError(`handshake: the owner speaks handshake version ${version}; this process speaks version ${VERSION}.`);
  }
  const nonceA = challenge.subarray(1);
  const nonceB = randomBytes(NONCE);
  const answer = Buffer.alloc(MAC + NONCE + PID);
  mac(secret, 'peer', nonceA, nonceB, process.pid, ownerPid).copy(answer, 0);
  nonceB.copy(answer, MAC);
  answer.writeUInt32BE(process.pid, MAC + NONCE);
  socket.write(answer);
  const proof = await readExactly(socket, MAC + PID, 'the owner’s proof', gone('its proof'));
  if (proof.equals(REFUSED)) {
    throw new AuthenticationError(`handshake: process ${ownerPid} refused this process's answer: the two are not of one process tree (another key, or another handshake version).`);
  }
  const macOk = timingSafeEqual(proof.subarray(0, MAC), mac(secret, 'owner', nonceA, nonceB, process.pid, ownerPid));
  if (!macOk || proof.readUInt32BE(MAC) !== ownerPid) {
    throw new AuthenticationError(`handshake: the other end could not prove it is process ${ownerPid} of this process tree (it does not know the key).`);
  }
}
