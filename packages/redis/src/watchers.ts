/**
 * Counts of calls that wait by watching an object's state (an Event's `wait()`, a queue's `put()` on a full queue,
 * a `join()`), kept in the object's `watch` hash as `<client>|<what>` → count, so tests can wait until a call
 * reached the server; a process's reap forgets its counts.
 *
 * @module
 */
import type { ObjectKeys } from './keys.js';
import type { Session } from './session.js';

/** Runs `wait`, counted as one `what` watcher of this process while it runs. */
export async function countWatcher<R>(session: Session, keys: ObjectKeys, what: string, wait: () => Promise<R>): Promise<R> {
  const key = keys.part('watch');
  const field = `${session.client}|${what}`;
  await session.command('waiters', (r) => r.hincrby(key, field, 1));
  try {
    return await wait();
  } finally {
    session.command('waiters', (r) => r.hincrby(key, field, -1)).catch(() => undefined);
  }
}

/** The watchers of each kind (`what`) now, over every process. */
export async function countWatchers(session: Session, keys: ObjectKeys): Promise<Record<string, number>> {
  const fields = await session.command('waiters', (r) => r.hgetall(keys.part('watch')));
  const counts: Record<string, number> = {};
  for (const [field, count] of Object.entries(fields)) {
    const what = field.slice(field.lastIndexOf('|') + 1);
    counts[what] = (counts[what] ?? 0) + Number(count);
  }
  return counts;
}
