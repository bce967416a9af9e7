/**
 * A child whose parent died (SIGKILLed: nothing ran there) learns it from its own code's calls: a `put()` on the
 * parent's queue rejects with `ERR_OWNER_GONE`, a message to the parent with `ERR_CHANNEL_CLOSED`. Its target then
 * throws, and a child prints what its target throws. Here that is only the echo of the parent's death, to no one
 * (the watchdog ends the child within 100 ms anyway): the child exits with code 1 without printing it.
 *
 * @module
 */

/** The codes with which a child's calls learn that its parent, and with it the parent's objects, are gone. */
const ECHO_CODES = new Set(['ERR_OWNER_GONE', 'ERR_CHANNEL_CLOSED', 'ERR_EOF']);

/**
 * True when a child should exit quietly on `error`: its channel to the parent closed while it ran (the parent closes
 * it only when it exits), and the error is how a call learns of that.
 */
export function isParentDeathEcho(error: unknown, parentChannelClosed: boolean): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return parentChannelClosed && typeof code === 'string' && ECHO_CODES.has(code);
}
