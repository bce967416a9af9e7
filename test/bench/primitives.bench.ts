/**
 * The primitives against Python's multiprocessing (fork), side by side in one run:
 *
 * 1. Queue one-way throughput between two children, through the owner (this process).
 * 2. Pipe round trip (1 in flight) with a child echoing.
 * 3. Pipe bulk bytes: 1 MiB `sendBytes` messages streamed child → parent, against a C
 *    socketpair stream (the floor) compiled at bench time.
 * 4. Lock acquire+release: by the owner, by a child (uncontended), and two children contending.
 *
 * Two worker children (fixtures/primitives.mjs) live for the whole bench and run
 * commands sent on a control Pipe, so no process start is timed. Each round runs
 * every contestant once, Python (python/primitives.py, one sample per run) and C
 * included, so the ratios of a table are taken within the same rounds.
 */
import { fork } from 'node:child_process';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Lock } from '@multiproc/lock';
import { Pipe, type Connection } from '@multiproc/pipe';
import { Process } from '@multiproc/process';
import { Queue } from '@multiproc/queue';
import { compileC, runC } from './lib/c-floor.js';
import { wallNow } from './lib/clock.js';
import { fmt, interleave, row, summarize, withRatios, type BenchOptions, type Contestant, type Row, type Samples, type Scenario } from './lib/stats.js';
import { runPythonScript, type PythonNotes } from './lib/python.js';

const WORKER = new URL('./fixtures/primitives.mjs', import.meta.url);
const BYTE_STREAM = fileURLToPath(new URL('./fixtures/byte-stream.mjs', import.meta.url));
const PYTHON_SCRIPT = fileURLToPath(new URL('./python/primitives.py', import.meta.url));
const MIB = 2 ** 20;

interface Sizes {
  /** Queue items per sample. */
  queueItems: number;
  /** Pipe round trips per sample. */
  roundTrips: number;
  /** 1 MiB messages per bulk sample (ours and Python's). */
  bulkMessages: number;
  /** MiB per C socketpair sample. */
  cMiB: number;
  /** Owner acquire+release pairs per sample (ours and Python's, in-process). */
  ownerPairs: number;
  /** Child acquire+release pairs per sample (ours). */
  childPairs: number;
  /** Seconds two children contend per sample. */
  contendSeconds: number;
  reps: number;
  warmup: number;
}

const SIZES: Sizes = {
  queueItems: 20_000,
  roundTrips: 3_000,
  bulkMessages: 256,
  cMiB: 1024,
  ownerPairs: 200_000,
  childPairs: 3_000,
  contendSeconds: 0.3,
  // Many short rounds: the machine's load drifts on the scale of seconds.
  reps: 15,
  warmup: 1,
};
const QUICK: Sizes = {
  queueItems: 1_000,
  roundTrips: 500,
  bulkMessages: 16,
  cMiB: 64,
  ownerPairs: 20_000,
  childPairs: 500,
  contendSeconds: 0.1,
  reps: 3,
  warmup: 1,
};

type Item = { i: number; tag: string };
type Command = { op: string } & Record<string, unknown>;
type Measured = Record<string, number | number[]>;
type Reply = { ok: true; value: Measured } | { ok: false; error: string };
interface EchoMessage {
  id: number;
  name: string;
  args: number[];
}

/** A worker child and the parent's end of its control pipe. */
class Worker {
  constructor(
    readonly name: string,
    readonly process: Process,
    readonly ctl: Connection<Command | Reply>,
  ) {}

  static start(name: string, objects: Record<string, unknown>): Worker {
    const [ours, theirs] = Pipe<Command | Reply>();
    const child = new Process({ target: 'worker', module: WORKER, args: [theirs, objects], execArgv: [], name }).start();
    return new Worker(name, child, ours);
  }

  /** Runs one command in the child; resolves with what it measured. */
  async run(command: Command): Promise<Measured> {
    await this.ctl.send(command);
    const reply = (await this.ctl.recv({ timeout: 120_000 })) as Reply;
    if (!reply.ok) throw new Error(`${this.name}: ${command.op} failed in the child: ${reply.error}`);
    return reply.value;
  }

  async stop(): Promise<void> {
    if (this.process.isAlive()) {
      await this.ctl.send({ op: 'stop' }).catch(() => {});
      await this.process.join({ timeout: 5_000 });
      if (this.process.isAlive()) {
        this.process.kill();
        await this.process.join();
      }
    }
    await this.ctl.close();
  }
}

/** Node's own floor: a child streams `mib` raw 1 MiB buffers over the fd-4 socketpair; MiB/s from the parent's go byte to the last byte read. */
async function rawNodeStream(mib: number): Promise<Record<string, number>> {
  const child = fork(BYTE_STREAM, [String(mib)], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc', 'pipe'] });
  const socket = child.stdio[4] as Socket;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('error', reject);
  });
  const total = mib * MIB;
  let bytes = 0;
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    socket.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes >= total) resolve();
    });
    socket.write('g');
  });
  const seconds = (performance.now() - t0) / 1000;
  socket.destroy();
  await exited;
  return { mibPerSecond: bytes / MIB / seconds };
}

/**
 * Hand-offs in two children's acquisition times (wall clock, sorted): the times the
 * lock went to the other child. The holds alternate tens of µs apart, far more than
 * the two processes' clocks can differ.
 */
function handoffs(a: number[], b: number[]): number {
  let count = 0;
  let last = -1;
  for (let i = 0, j = 0; i < a.length || j < b.length; ) {
    const who = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? 0 : 1;
    if (who === 0) i++;
    else j++;
    if (last !== -1 && who !== last) count++;
    last = who;
  }
  return count;
}

/** The median of a metric, formatted; '–' when there are no samples. */
function median(samples: Samples, contestant: string, metric: string): string {
  const values = samples[contestant]?.[metric];
  return values?.length ? fmt(summarize(values).median) : '–';
}

/** A row, or nothing when its contestant produced no samples (Python or C skipped). */
function rowOf(samples: Samples, contestant: string, metric: string, name: string, extra: Partial<Row> = {}): Row[] {
  const values = samples[contestant]?.[metric];
  return values && values.length > 0 ? [row(name, values, extra)] : [];
}

/** The heading of this file's section and chart in docs/benchmarks.md. */
export const title = 'Queue, Pipe, Lock (vs Python, C)';

export async function run(options: BenchOptions): Promise<Scenario[]> {
  const sizes = options.quick ? QUICK : SIZES;
  const cStream = compileC('socketpair-stream');
  const cSkipped = cStream.skipped;
  const python: PythonNotes = {};
  const runPython = (scenario: string, args: Array<string | number>) => runPythonScript(PYTHON_SCRIPT, [scenario, ...args], python);

  const queue = new Queue<Item>();
  const lock = new Lock();
  const [data, dataForChild] = Pipe<EchoMessage | Buffer>();
  // A: producer, echo, streamer, lock user. B: consumer, second lock contender.
  const a = Worker.start('bench-worker-A', { queue, lock, data: dataForChild });
  const b = Worker.start('bench-worker-B', { queue, lock });

  const queueRun = async (inFlight: number, consumer: 'consume' | 'consumeMany' | 'consumeIterating' = 'consume') => {
    const n = sizes.queueItems;
    const [produced, consumed] = await Promise.all([a.run({ op: 'produce', n, inFlight }), b.run({ op: consumer, n })]);
    const t0 = produced.t0 as number;
    return { itemsPerSecond: n / (((consumed.t1 as number) - t0) / 1000), producerPerSecond: n / (((produced.t1 as number) - t0) / 1000) };
  };

  const contestants: Contestant[] = [
    { name: 'queue-awaited', run: () => queueRun(1) },
    { name: 'queue-pipelined', run: () => queueRun(256) },
    { name: 'queue-batched', run: () => queueRun(256, 'consumeMany') },
    { name: 'queue-iterated', run: () => queueRun(256, 'consumeIterating') },
    { name: 'python-queue', run: () => runPython('queue', ['--n', sizes.queueItems]) },
    {
      name: 'pipe-rt',
      run: async () => {
        const n = sizes.roundTrips;
        const echoed = a.run({ op: 'echo', n });
        const t0 = performance.now();
        for (let i = 0; i < n; i++) {
          await data.send({ id: i, name: 'x', args: [1, 2, 3] });
          const message = (await data.recv()) as EchoMessage;
          if (message.id !== i) throw new Error(`pipe round trip: expected echo ${i}, got ${JSON.stringify(message)}`);
        }
        const us = ((performance.now() - t0) * 1000) / n;
        await echoed;
        return { usPerRoundTrip: us };
      },
    },
    { name: 'python-pipe-rt', run: () => runPython('pipe-rt', ['--n', sizes.roundTrips]) },
    {
      name: 'bulk',
      run: async () => {
        const count = sizes.bulkMessages;
        const streamed = a.run({ op: 'stream', count, size: MIB });
        let bytes = 0;
        for (let i = 0; i < count; i++) bytes += (await data.recvBytes()).byteLength;
        const t1 = wallNow();
        const { t0 } = await streamed;
        if (bytes !== count * MIB) throw new Error(`bulk: received ${bytes} bytes`);
        return { mibPerSecond: bytes / MIB / ((t1 - (t0 as number)) / 1000) };
      },
    },
    {
      name: 'bulk-into',
      run: async () => {
        const count = sizes.bulkMessages;
        const buffer = Buffer.allocUnsafe(MIB);
        const streamed = a.run({ op: 'stream', count, size: MIB });
        let bytes = 0;
        for (let i = 0; i < count; i++) bytes += await data.recvBytesInto(buffer);
        const t1 = wallNow();
        const { t0 } = await streamed;
        if (bytes !== count * MIB || buffer[MIB - 1] !== 7) throw new Error(`bulk-into: received ${bytes} bytes`);
        return { mibPerSecond: bytes / MIB / ((t1 - (t0 as number)) / 1000) };
      },
    },
    { name: 'node-raw-stream', run: () => rawNodeStream(sizes.bulkMessages) },
    { name: 'python-bulk', run: () => runPython('bulk', ['--count', sizes.bulkMessages, '--size', MIB]) },
    { name: 'python-bulk-into', run: () => runPython('bulk', ['--count', sizes.bulkMessages, '--size', MIB, '--into']) },
    {
      name: 'c-socketpair',
      run: () => runC(cStream, [sizes.cMiB, MIB]),
    },
    {
      name: 'lock-owner',
      run: async () => {
        const m = sizes.ownerPairs;
        const t0 = performance.now();
        for (let i = 0; i < m; i++) {
          await lock.acquire();
          await lock.release();
        }
        return { usPerPair: ((performance.now() - t0) * 1000) / m };
      },
    },
    { name: 'lock-child', run: async () => ({ usPerPair: (await a.run({ op: 'lockLoop', m: sizes.childPairs })).usPerPair as number }) },
    {
      name: 'lock-contend',
      run: async () => {
        const start = wallNow() + 30;
        const until = start + sizes.contendSeconds * 1000;
        const results = await Promise.all([a, b].map((w) => w.run({ op: 'lockContend', start, until })));
        const times = results.map((r) => r.acquiredAt as number[]);
        const seconds = sizes.contendSeconds;
        const pairs = times.map((t) => t.length);
        return {
          perSecond: (pairs[0]! + pairs[1]!) / seconds,
          handoffsPerSecond: handoffs(times[0]!, times[1]!) / seconds,
          fairness: Math.min(...pairs) / Math.max(1, ...pairs),
        };
      },
    },
    {
      name: 'python-lock',
      run: () => runPython('lock', ['--m', sizes.ownerPairs, '--child-m', sizes.ownerPairs, '--seconds', sizes.contendSeconds]),
    },
  ];

  try {
    options.log(
      `primitives: ${sizes.reps} interleaved rounds (+${sizes.warmup} warm-up) of ${contestants.length} contestants: ` +
        `${sizes.queueItems} queue items, ${sizes.roundTrips} round trips, ${sizes.bulkMessages} MiB streamed, ` +
        `${sizes.ownerPairs}/${sizes.childPairs} lock pairs, ${sizes.contendSeconds} s contending`,
    );
    const samples = await interleave(contestants, {
      warmup: sizes.warmup,
      reps: sizes.reps,
      onRound: (round) => options.log(`  round ${round}/${sizes.reps}`),
    });
    return scenarios(samples, sizes, { cSkipped, python });
  } finally {
    await Promise.all([a.stop(), b.stop()]);
    await data.close();
    await queue.close();
  }
}

function scenarios(s: Samples, sizes: Sizes, skipped: { cSkipped: string | undefined; python: PythonNotes }): Scenario[] {
  const pythonName = `Python ${skipped.python.python ?? '3'}`;
  const pythonNotes = skipped.python.skipped ? [skipped.python.skipped] : [];

  // 1. Queue
  const pyQueue = `${pythonName} mp.Queue (fork): producer process → consumer process`;
  const awaited = 'Queue: producer awaits each put()';
  const pipelined = 'Queue: producer keeps 256 put()s in flight';
  const batched = 'Queue: 256 put()s in flight, consumer takes batches';
  const iterated = 'Queue: 256 put()s in flight, consumer iterates';
  const queue = withRatios({
    id: 'primitives-queue',
    title: `Queue: one-way throughput between two children through the owner (${sizes.queueItems} items per sample)`,
    unit: 'items per second',
    better: 'higher',
    reference: pyQueue,
    rows: [
      ...rowOf(s, 'python-queue', 'itemsPerSecond', pyQueue, { note: '`q.put(item)` / `q.get()`' }),
      ...rowOf(s, 'queue-awaited', 'itemsPerSecond', awaited, { note: '`await queue.put(item)`; consumer `await queue.get()`', ours: true }),
      ...rowOf(s, 'queue-pipelined', 'itemsPerSecond', pipelined, { note: '`await Promise.all(batch of 256 puts)`; consumer `await queue.get()`', ours: true }),
      ...rowOf(s, 'queue-batched', 'itemsPerSecond', batched, {
        note: 'the puts of one tick travel as one message; consumer `await queue.getMany(64)`',
        ours: true,
      }),
      ...rowOf(s, 'queue-iterated', 'itemsPerSecond', iterated, {
        note: 'consumer `for await (const item of queue)`: each request asks for as many items as the loop uses in ~2 ms (up to 1024)',
        ours: true,
      }),
    ],
    goal: { issue: 3, name: 'Queue one-way, child → child (best of our rows)', text: "≥ 5 × Python's mp.Queue", measure: 'ratio', op: '>=', target: 5 },
    notes: [
      "Items `{ i, tag: 'x' }`. The Queue is made in this process (its owner) and passed to both children as a Process argument, " +
        'so every put and every get is a call to the owner and its reply. Timed from the producer starting to the consumer holding the last item (wall clock of both children). ' +
        "Python's `put()` only hands the item to a feeder thread; its consumer reads the pipe directly under a lock, with no owner in between. " +
        `Our producers alone finished their puts at ${median(s, 'queue-awaited', 'producerPerSecond')} items/s (awaited) and ${median(s, 'queue-pipelined', 'producerPerSecond')} items/s (pipelined), median: ` +
        'the consumer, one `get()` round trip to the owner per item, sets the pace.',
      ...pythonNotes,
    ],
  });

  // 2. Pipe round trip
  const pyRt = `${pythonName} Pipe: \`send(x); recv()\``;
  const ourRt = 'Pipe: `await conn.send(x); await conn.recv()`';
  const roundTrip = withRatios({
    id: 'primitives-pipe-round-trip',
    title: `Pipe: round trip with a child echoing, 1 in flight (${sizes.roundTrips} round trips per sample)`,
    unit: 'µs per round trip',
    better: 'lower',
    reference: pyRt,
    rows: [...rowOf(s, 'python-pipe-rt', 'usPerRoundTrip', pyRt), ...rowOf(s, 'pipe-rt', 'usPerRoundTrip', ourRt, { ours: true })],
    goal: { issue: 3, name: 'Pipe round trip', text: "≤ Python's Pipe round trip", measure: 'ratio', op: '<=', target: 1 },
    notes: [
      "Message `{ id, name: 'x', args: [1, 2, 3] }`; one end of `Pipe()` passed to the child, which echoes what it receives. " +
        'Latency on this shared 2-core machine is bimodal (waking the peer dominates when another job holds a core): compare the min column too.',
      'Our rows poll for the reply for up to 100 µs after each write instead of sleeping (busy polling, wire\'s `BusyPoll`; docs/design-notes.md); the other rows, C\'s included, sleep until the reply wakes them, which on this virtual machine costs more than the rest of a round trip.',
      ...pythonNotes,
    ],
  });

  // 3. Pipe bulk
  const cName = `C: socketpair, fork, 1 MiB write()/read() (${sizes.cMiB} MiB per sample)`;
  const pyBulk = `${pythonName} Pipe: \`send_bytes(1 MiB)\` / \`recv_bytes()\``;
  const ourBulk = 'Pipe: `await conn.sendBytes(1 MiB)` / `await conn.recvBytes()`';
  const bulk = withRatios({
    id: 'primitives-pipe-bulk',
    title: `Pipe: bulk bytes, 1 MiB messages streamed child → parent (${sizes.bulkMessages} MiB per sample)`,
    unit: 'MiB per second',
    better: 'higher',
    reference: skipped.cSkipped ? pyBulk : cName,
    rows: [
      ...rowOf(s, 'c-socketpair', 'mibPerSecond', cName, { note: 'fixtures/socketpair-stream.c, `cc -O2`' }),
      ...rowOf(s, 'node-raw-stream', 'mibPerSecond', 'Node, raw bytes over a socketpair: 1 MiB `socket.write()`s, no framing', { note: 'fixtures/byte-stream.mjs' }),
      ...rowOf(s, 'python-bulk', 'mibPerSecond', pyBulk),
      ...rowOf(s, 'python-bulk-into', 'mibPerSecond', `${pythonName} Pipe: \`send_bytes(1 MiB)\` / \`recv_bytes_into(buffer)\`, one buffer reused`),
      ...rowOf(s, 'bulk', 'mibPerSecond', ourBulk, { ours: true }),
      ...rowOf(s, 'bulk-into', 'mibPerSecond', 'Pipe: `await conn.sendBytes(1 MiB)` / `await conn.recvBytesInto(buffer)`, one buffer reused', { ours: true }),
    ],
    goal: { issue: 3, name: 'Pipe bulk bytes, 1 MiB messages', text: '≥ 0.5 × the C socketpair stream', measure: 'ratio', op: '>=', target: 0.5, versus: cName },
    notes: [
      'Timed from the sender starting to the receiver holding the last message (wall clock of both processes). ' +
        'The C row is the floor: the same stream with no framing, no encoding and no copy beyond the kernel’s, read into one reused buffer; the raw Node row is the same through a Node socket (the fd-4 socketpair of a forked child). ' +
        'Our 1 MiB messages go through the shared-memory ring beside the socket (docs/design-notes.md, "Large bytes travel beside the socket"): one copy in, one copy out. ' +
        '`recvBytes()` returns a new Buffer per message, and allocating fresh megabytes (page faults) is most of its cost; `recvBytesInto()`, like Python’s `recv_bytes_into` and the C reader, reuses one buffer. ' +
        'The figure given for this machine in the issue (not side by side with this run) was 5.2–6.0 GiB/s for a C socketpair stream; compare ratios, not absolute figures.',
      ...(skipped.cSkipped ? [skipped.cSkipped] : []),
      ...pythonNotes,
    ],
  });

  // 4a. Lock by the owner
  const pyLock = `${pythonName} mp.Lock: \`with lock: pass\`, in-process`;
  const ownerLock = 'Lock: `await lock.acquire(); await lock.release()` by its owner';
  const lockOwner = withRatios({
    id: 'primitives-lock-owner',
    title: `Lock: acquire + release by the owner process (${sizes.ownerPairs} pairs per sample)`,
    unit: 'µs per acquire+release',
    better: 'lower',
    reference: pyLock,
    rows: [...rowOf(s, 'python-lock', 'ownerUsPerPair', pyLock, { note: 'a POSIX semaphore in shared memory' }), ...rowOf(s, 'lock-owner', 'usPerPair', ownerLock, { ours: true })],
    goal: { issue: 3, name: 'Lock acquire+release by the owner', text: '≤ 1 µs', measure: 'value', op: '<=', target: 1 },
    notes: pythonNotes,
  });

  // 4b. Lock by a child, uncontended
  const rtRef = 'one Pipe round trip, parent ↔ child (table above, same rounds)';
  const childLock = 'Lock: `await lock.acquire(); await lock.release()` by a child, uncontended';
  const lockChild = withRatios({
    id: 'primitives-lock-child',
    title: `Lock: acquire + release by a child, uncontended (${sizes.childPairs} pairs per sample)`,
    unit: 'µs per acquire+release',
    better: 'lower',
    reference: rtRef,
    goal: {
      issue: 3,
      name: 'Lock acquire+release by a remote process, uncontended',
      text: '≤ 1 Pipe round trip',
      measure: 'ratio',
      op: '<=',
      target: 1,
      stretch: { text: '≤ 2 µs (the lock delegated to the process that keeps using it)', measure: 'value', op: '<=', target: 2 },
    },
    rows: [
      ...rowOf(s, 'pipe-rt', 'usPerRoundTrip', rtRef),
      ...rowOf(s, 'lock-child', 'usPerPair', childLock, { note: 'the Lock made in the parent, passed to the child', ours: true }),
      ...rowOf(s, 'python-lock', 'childUsPerPair', `${pythonName} mp.Lock: \`with lock: pass\` in a child`, { note: `${sizes.ownerPairs} pairs; no owner to call` }),
    ],
    notes: [
      "The child's first `acquire()` is a call to the owner and its reply, and its `release()` a post. Taking the lock again with nobody waiting, " +
        'it is granted a lease with it (docs/design-notes.md, "Lock leases"): from then on the child acquires and releases locally, with no message, ' +
        'until another process waits (the owner revokes the lease) or the child stops using it. So this row is mostly local work.',
      ...pythonNotes,
    ],
  });

  // 4c. Two children contending
  const pyHandoffs = `${pythonName} mp.Lock, 2 processes: hand-offs`;
  const ourHandoffs = 'Lock, 2 children: hand-offs';
  const fairness = (name: string) => {
    const values = s[name]?.fairness;
    return values?.length ? summarize(values).median.toFixed(2) : '–';
  };
  const contend = withRatios({
    id: 'primitives-lock-contended',
    title: `Lock: two children contending for ${sizes.contendSeconds} s`,
    unit: 'per second, both children together',
    better: 'higher',
    reference: pyHandoffs,
    rows: [
      ...rowOf(s, 'python-lock', 'handoffsPerSecond', pyHandoffs, { note: 'acquisitions that took the lock from the other process' }),
      ...rowOf(s, 'python-lock', 'contendedPerSecond', `${pythonName} mp.Lock, 2 processes: acquire+release pairs`, { note: '`with lock: pass` in a loop' }),
      ...rowOf(s, 'lock-contend', 'handoffsPerSecond', ourHandoffs, { note: 'the Lock owned by the parent', ours: true }),
      ...rowOf(s, 'lock-contend', 'perSecond', 'Lock, 2 children: acquire+release pairs', { note: '`await lock.acquire(); await lock.release()` in a loop', ours: true }),
    ],
    notes: [
      'Both start at the same wall-clock instant and loop until a deadline. A hand-off is an acquisition that takes the lock from the other process: ' +
        "Python's counts them with a shared value written under the lock; ours from the two children's acquisition times. " +
        "Python's lock is not fair: a process mostly re-takes the lock it just released, in long runs " +
        `(over the whole span the process with fewer pairs had ${fairness('python-lock')} × the other's, median); ` +
        `ours is FIFO across processes (${fairness('lock-contend')} ×), so nearly every acquisition is a hand-off.`,
      ...pythonNotes,
    ],
  });
  return [queue, roundTrip, bulk, lockOwner, lockChild, contend];
}
