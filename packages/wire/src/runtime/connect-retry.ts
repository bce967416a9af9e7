/**
 * When a failed connect to an owner is worth trying again: the owner is there
 * but cannot take the connection yet. Another process of the same user may
 * fill an owner's listen backlog (thousands of connects at once, or an owner
 * stopped for a moment); a connect then fails with EAGAIN, though the owner
 * is alive and will accept once it catches up. ECONNREFUSED means nobody
 * listens: the owner is gone, unless its pid is still alive (it is exiting, its
 * listener closed, or the pid is another process's now), which gets a short
 * wait. Anything else is final.
 *
 * @module
 */

/** How long connects refused with EAGAIN (a full backlog) are retried, in all. */
export const BACKLOG_FULL_BUDGET_MS = 5_000;
/** How long connects refused with ECONNREFUSED by an owner whose pid is alive are retried, in all. */
export const REFUSED_ALIVE_BUDGET_MS = 1_000;
const FIRST_DELAY_MS = 1;
const MAX_DELAY_MS = 100;

/**
 * The delay before connect attempt `attempt + 1` (attempt counts from 1), or undefined: give up.
 *
 * @param code - the failed connect's error code.
 * @param elapsedMs - time since the first attempt.
 * @param ownerAlive - whether the owner's pid is alive (asked only for ECONNREFUSED).
 */
export function connectRetryDelay(attempt: number, code: unknown, elapsedMs: number, ownerAlive: () => boolean): number | undefined {
  const budget = code === 'EAGAIN' ? BACKLOG_FULL_BUDGET_MS : code === 'ECONNREFUSED' && ownerAlive() ? REFUSED_ALIVE_BUDGET_MS : 0;
  if (elapsedMs >= budget) return undefined;
  return Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** (attempt - 1), budget - elapsedMs);
}
