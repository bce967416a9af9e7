/**
 * Tells a peer that died from one that is still there, when its stream ended
 * in the middle of a frame: the first is the end of the stream (a writer
 * SIGKILLed mid-message; the partial message is dropped), the second a broken
 * peer (`ERR_FRAME_TRUNCATED`).
 *
 * On a Unix stream socket the kernel knows: when the peer's socket is released
 * (its process died, or it closed the socket) it shuts down both directions of
 * ours, so a write fails with EPIPE before anything is queued; a peer that only
 * ended its side (shutdown for writing) still reads, and the write succeeds.
 * The probe is one zero byte: a peer that is still there already broke the
 * stream, and this side closes it right after. (Called in the stream's 'end'
 * handler, before Node's own end of this side has reached the kernel.)
 *
 * @module
 */
import type { Duplex } from 'node:stream';

// As the CommonJS object (see channel.ts): an ESM import of node:fs costs a child ~5 ms at boot.
const { writeSync } = process.getBuiltinModule('node:fs');

/** The error codes with which a socket says that its peer is gone (it reset the connection, or reads no more). */
export function isPeerGoneError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ECONNRESET' || code === 'EPIPE';
}

/** True when the peer's socket is gone; false when it is still there; undefined when this stream cannot tell (not a socket). */
export function peerSocketGone(stream: Duplex): boolean | undefined {
  const fd = (stream as { _handle?: { fd?: unknown } })._handle?.fd;
  if (typeof fd !== 'number' || fd < 0) return undefined;
  try {
    writeSync(fd, PROBE);
    return false;
  } catch (error) {
    if (isPeerGoneError(error)) return true;
    return undefined; // EAGAIN (its buffer is full: it is there, not reading) and the like: no verdict
  }
}

const PROBE = Buffer.alloc(1);
