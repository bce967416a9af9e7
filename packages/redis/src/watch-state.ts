/**
 * A wait for a state that no one hands over (room in a full queue, a JoinableQueue's unfinished count at 0, an Event
 * set, a Barrier's round over): subscribe to the object's broadcast channel, then read the state, and read it again
 * on each broadcast and every `recheckMs` (looking for dead processes too) until it is there or the deadline comes.
 * Subscribing before the first read means no broadcast after that read can be missed.
 *
 * @module
 */
import { Deadline, type BlockingOptions } from '@multiproc/wire';
import type { Session } from './session.js';
import { partOfTag } from './keys.js';
import { WAIT } from './wait-turn.js';

/**
 * Reads `check()` until it returns something other than WAIT.
 *
 * @throws the `{ timeout, signal }` errors, or what `check` throws.
 */
export async function watchState<R>(backend: Session, call: string, tag: string, options: BlockingOptions | undefined, check: () => Promise<R | typeof WAIT>): Promise<R> {
  using deadline = new Deadline(call, options);
  const release = backend.hold();
  let wake: () => void = () => undefined;
  let woken = false;
  const stop = await backend.wakeups.onBroadcast(partOfTag(tag, 'wake'), () => {
    woken = true;
    wake();
  });
  const stopRechecks = backend.wakeups.onReconnect(() => wake());
  let timer: NodeJS.Timeout | undefined;
  try {
    let sinceProbe = performance.now();
    for (;;) {
      woken = false;
      const found = await Promise.race([check(), deadline.expired]);
      if (found !== WAIT) return found;
      if (!woken) {
        await Promise.race([
          new Promise<void>((resolve) => {
            wake = resolve;
            timer = setTimeout(resolve, backend.recheckMs);
          }),
          deadline.expired,
        ]);
        clearTimeout(timer);
      }
      if (performance.now() - sinceProbe >= backend.recheckMs) {
        sinceProbe = performance.now();
        await Promise.race([backend.probe(tag), deadline.expired]);
      }
    }
  } finally {
    clearTimeout(timer);
    stopRechecks();
    stop();
    release();
  }
}
