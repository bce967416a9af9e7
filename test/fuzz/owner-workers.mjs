// The processes of the owner fuzz target: an owner of one of every primitive, and a canary that keeps using objects
// of the same owner the way a program would, to show that the owner keeps serving while it is attacked.
import { Barrier, BoundedSemaphore, Condition, Event, JoinableQueue, Lock, Queue, RLock, Semaphore, runtime } from 'multiproc';

/** One of every primitive (queues bounded, so that what a fuzzer puts cannot grow without end; a SimpleQueue is a Queue's owner state too). */
export function makeTargets() {
  return [
    new Queue({ maxsize: 20 }),
    new JoinableQueue({ maxsize: 20 }),
    new Lock(),
    new RLock(),
    new Semaphore(3),
    new BoundedSemaphore(2),
    new Event(),
    new Condition(),
    new Barrier(3),
  ];
}

/**
 * Owns the fuzzer's targets: sends a fresh set on `out` for each 'renew' on `commands` (the old set is closed where it
 * can be, and forgotten by the runtime: an owner keeps every object it made, with its items, until it disowns it), and
 * the canary's own Queue and Lock once, first.
 */
export async function fuzzOwner(commands, out) {
  await out.put({ canary: [new Queue(), new Lock()] });
  let targets = makeTargets();
  await out.put({ targets });
  for await (const command of commands) {
    if (command !== 'renew') continue;
    for (const old of targets) {
      await Promise.resolve(old.close?.()).catch(() => {});
      runtime().disown(old.handle.id);
    }
    targets = makeTargets();
    await out.put({ targets });
  }
}

/** Uses `queue` and `lock` in a loop, checking each answer; reports its count on `progress` every 200 rounds, or the first failure. */
export async function canary(queue, lock, progress) {
  try {
    for (let i = 1; ; i++) {
      await queue.put(i, { timeout: 30_000 });
      const got = await queue.get({ timeout: 30_000 });
      if (got !== i) throw new Error(`the canary's queue gave ${got}, expected ${i}`);
      await lock.acquire({ timeout: 30_000 });
      await lock.release();
      if (i % 200 === 0) await progress.put(i);
    }
  } catch (error) {
    await progress.put(`failed: ${error.code ?? ''} ${error.message}`);
  }
}
