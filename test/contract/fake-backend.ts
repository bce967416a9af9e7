// An in-memory backend of one process: queues, the lock family's permits and events, in plain arrays. It proves the
// seam: the public classes work over any backend that keeps the contract (it has no Condition or Barrier, and its
// objects cannot cross processes, which its capabilities say).
import {
  ClosedError,
  EmptyError,
  FullError,
  LockNotHeldError,
  OverReleaseError,
  runWithDeadline,
  signalOf,
  TaskDoneError,
  type Acquired,
  type BackendCapabilities,
  type LockBackendProvider,
  type LockSpec,
  type QueueBackend,
  type QueueBackendProvider,
  type QueueSpec,
  type SignalSource,
} from 'multiproc';

const capabilities: BackendCapabilities = { crossProcess: false, detectsDeath: false, creatorCallbacks: true };
const ref = () => ({ backend: 'fake' });

/** A waiting call: served by `wake`, or gone when its signal aborts. */
class Line<V> {
  readonly waiting: Array<{ wake: (value: V) => void; fail: (error: unknown) => void }> = [];
  wait(source: SignalSource): Promise<V> {
    const signal = signalOf(source);
    return new Promise<V>((resolve, reject) => {
      const entry = { wake: resolve, fail: reject };
      this.waiting.push(entry);
      signal?.addEventListener('abort', () => {
        const at = this.waiting.indexOf(entry);
        if (at < 0) return;
        this.waiting.splice(at, 1);
        reject(signal.reason);
      }, { once: true });
    });
  }
}

function fakeQueue<T>(spec: QueueSpec<T>): QueueBackend<T> {
  const items: T[] = [];
  const getters = new Line<void>();
  const putters = new Line<void>();
  const joiners = new Line<void>();
  let closed = false;
  let unfinished = 0;
  const full = () => spec.maxsize > 0 && items.length >= spec.maxsize;
  const open = () => {
    if (closed) throw new ClosedError('fake queue: closed');
  };
  const add = (item: T) => (items.push(item), spec.joinable && unfinished++, getters.waiting.shift()?.wake());
  const put = async (item: T, signal: SignalSource): Promise<void> => {
    while ((open(), full())) await putters.wait(signal);
    add(item);
  };
  const take = async (max: number, wait: boolean, signal: SignalSource) => {
    while (items.length === 0) {
      if (closed) throw new ClosedError('fake queue: closed and drained');
      if (!wait) throw new EmptyError('fake queue');
      await getters.wait(signal);
    }
    const taken = items.splice(0, max);
    taken.forEach(() => putters.waiting.shift()?.wake());
    if (items.length > 0) getters.waiting.shift()?.wake();
    let used = 0;
    return { items: taken, ack: (n: number) => void (used += n), release: () => (items.unshift(...taken.slice(used)), (used = taken.length)) };
  };
  const failAll = (line: Line<void>) => line.waiting.splice(0).forEach((w) => w.fail(new ClosedError('fake queue: closed')));
  return {
    capabilities, spec, isOwner: true, ref,
    put: (item, o) => runWithDeadline(o.call, o, (signal) => put(item, signal)),
    putMany: (batch, o) => runWithDeadline(o.call, o, async (signal) => { for (const item of batch) await put(item, signal); }),
    putNowait: async (item) => (open(), full() ? Promise.reject(new FullError('fake queue', spec.maxsize)) : void add(item)),
    take: (max, o) => runWithDeadline(o.call, o, (signal) => take(max, o.wait, signal)),
    size: async () => items.length,
    close: async () => void ((closed = true), failAll(getters), failAll(putters)),
    taskDone: async () => {
      if (unfinished === 0) throw new TaskDoneError();
      if (--unfinished === 0) joiners.waiting.splice(0).forEach((w) => w.wake());
    },
    join: (o) => runWithDeadline(o.call, o, (signal) => (unfinished === 0 ? undefined : joiners.wait(signal))),
    waiters: async () => ({ getters: getters.waiting.length, putters: putters.waiting.length, joiners: joiners.waiting.length }),
  };
}

/** Permits of one process: holding is this process's (an RLock's depth counted); a release hands a permit to the next waiter. */
function fakeLock(spec: LockSpec) {
  let free = spec.value;
  let depth = 0;
  const line = new Line<void>();
  const take = (): Acquired => ((depth = spec.kind === 'RLock' ? depth + 1 : depth), 1);
  return {
    capabilities, spec, isOwner: true, ref,
    acquire: (o: { call: string; blocking: boolean; timeout?: number | undefined; signal?: AbortSignal | undefined }) =>
      runWithDeadline(o.call, o, async (signal): Promise<Acquired> => {
        if (spec.kind === 'RLock' && depth > 0) return take();
        if (free > 0 && line.waiting.length === 0) return free--, take();
        if (!o.blocking) return 0;
        await line.wait(signal);
        return take();
      }),
    release: async () => {
      if (spec.kind === 'RLock' ? depth === 0 : spec.kind === 'Lock' && free > 0) throw new LockNotHeldError('fake: not held');
      if (spec.kind === 'BoundedSemaphore' && free >= spec.value) throw new OverReleaseError(spec.value);
      if (spec.kind === 'RLock' && --depth > 0) return;
      const next = line.waiting.shift();
      if (next) next.wake();
      else free++;
    },
    locked: async () => free <= 0,
    value: async () => Math.max(0, free),
    waiters: async () => line.waiting.length,
  };
}

function fakeEvent() {
  let flag = false;
  const line = new Line<void>();
  return {
    capabilities, isOwner: true, ref,
    set: async () => void ((flag = true), line.waiting.splice(0).forEach((w) => w.wake())),
    clear: async () => void (flag = false),
    isSet: async () => flag,
    wait: (o: { call: string; timeout?: number | undefined; signal?: AbortSignal | undefined }) =>
      runWithDeadline(o.call, o, async (signal): Promise<true> => (flag || (await line.wait(signal)), true)),
    waiters: async () => line.waiting.length,
  };
}

const none = (what: string) => () => {
  throw new Error(`the fake backend has no ${what}`);
};

/** The fake's provider of every family it has. */
export const FAKE: QueueBackendProvider & LockBackendProvider = {
  kind: 'fake',
  createQueue: fakeQueue,
  openQueue: none('references'),
  createLock: fakeLock,
  createEvent: fakeEvent,
  createCondition: none('Condition'),
  createBarrier: none('Barrier'),
  openLock: none('references'),
  openEvent: none('references'),
  openCondition: none('references'),
  openBarrier: none('references'),
};
