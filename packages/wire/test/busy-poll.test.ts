// BusyPoll: after a write, the loop polls for a reply for one window, and only while replies usually come within one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BusyPoll, Channel, DEFAULT_BUSY_POLL_MICROS, InvalidArgumentError, MAX_BUSY_POLL_MICROS, busyPoll, setBusyPoll } from '@multiproc/wire';

/** Prints the child's busy-poll window (µs). */
const PRINT_WINDOW = `const { busyPoll } = await import(${JSON.stringify(import.meta.resolve('@multiproc/wire'))}); console.log(busyPoll.micros);`;

/**
 * A BusyPoll on a clock the test moves (ms), a loop the test turns (`turn()` runs what was scheduled), and CPUs the
 * test declares busy or not (`cores.busy`; `cores.checks` counts the looks).
 */
function harness(micros = 100) {
  const clock = { ms: 0 };
  const cores = { busy: false, checks: 0 };
  let next: (() => void) | undefined;
  const poll = new BusyPoll(
    micros,
    () => clock.ms,
    (spin) => {
      assert.equal(next, undefined, 'one turn scheduled at a time');
      next = spin;
    },
    () => {
      cores.checks++;
      return cores.busy;
    },
  );
  return {
    poll,
    clock,
    cores,
    /** Runs the scheduled turn; false if none was scheduled (the loop would sleep). */
    turn(): boolean {
      const spin = next;
      next = undefined;
      spin?.();
      return spin !== undefined;
    },
    get scheduled() {
      return next !== undefined;
    },
  };
}

test('a write makes the loop poll until a read comes: that read is a hit and polling stops at the next turn', () => {
  const h = harness(100);
  h.poll.wrote();
  assert.equal(h.poll.polling, true);
  h.clock.ms = 0.02;
  assert.equal(h.turn(), true);
  assert.equal(h.scheduled, true, 'still within the window: polls again');
  h.poll.read();
  assert.equal(h.turn(), true);
  assert.equal(h.scheduled, false, 'the reply came: the loop may sleep');
  assert.equal(h.poll.polling, false);
  assert.equal(h.poll.hits, 1);
  assert.equal(h.poll.misses, 0);
});

/** Turns the loop every 1 µs of the fake clock until it would sleep. */
function runOut(h: ReturnType<typeof harness>): void {
  while (h.scheduled) {
    h.clock.ms += 0.001;
    h.turn();
  }
}

test('a window that passes without a read is a miss, and polling stops', () => {
  const h = harness(100);
  h.poll.wrote();
  runOut(h);
  assert.equal(h.poll.polling, false);
  assert.equal(h.poll.misses, 1);
  assert.equal(h.poll.hits, 0);
  assert.ok(h.clock.ms >= 0.1 && h.clock.ms < 0.102, `polled for one window (${h.clock.ms} ms)`);
});

test('each write extends the window', () => {
  const h = harness(100);
  h.poll.wrote();
  for (; h.clock.ms < 0.08; h.clock.ms += 0.001) h.turn();
  h.poll.wrote(); // until 0.18
  for (; h.clock.ms < 0.15; h.clock.ms += 0.001) h.turn();
  assert.equal(h.scheduled, true, 'the second write moved the end of the window');
  runOut(h);
  assert.ok(h.clock.ms >= 0.18 && h.clock.ms < 0.182);
  assert.equal(h.poll.misses, 1, 'one window, one miss');
});

test('misses in a row make writes skip polling 1, 3, 7 … up to 63 writes; a hit ends the streak', () => {
  const h = harness(100);
  const polledAt: number[] = [];
  for (let i = 0; i < 200; i++) {
    h.poll.wrote();
    if (h.poll.polling) polledAt.push(i);
    runOut(h); // no reply: a miss each time it polls
    h.clock.ms += 1;
  }
  assert.deepEqual(polledAt.slice(0, 7), [0, 2, 6, 14, 30, 62, 126], 'a one-way writer polls ever more rarely');
  assert.equal(polledAt[7], 190, 'at most one write in 64 once the streak is long');
  // A quick reply to the next probe: polling is back for every write.
  while (!h.poll.polling) h.poll.wrote();
  h.clock.ms += 0.01;
  h.poll.read();
  h.turn();
  for (let i = 0; i < 5; i++) {
    h.poll.wrote();
    assert.equal(h.poll.polling, true, `write ${i} after the hit polls`);
    h.clock.ms += 0.01;
    h.poll.read();
    h.turn();
  }
});

test('a reply read after its window passed (the loop was blocked) counts as a miss, not a hit', () => {
  const h = harness(100);
  h.poll.wrote();
  h.clock.ms = 5; // a long synchronous task: no turn ran
  h.poll.read();
  assert.equal(h.poll.hits, 0);
  assert.equal(h.poll.misses, 1);
  h.turn();
  assert.equal(h.poll.polling, false);
});

test('seen off the CPU in more than 1 window in 16, polling pauses, then resumes', () => {
  const h = harness(100);
  // Quick replies, but the kernel takes the core away for 0.5 ms in every other window: nobody gains from polling.
  let windows = 0;
  while (h.poll.pauses === 0 && windows < 100) {
    h.poll.wrote();
    assert.equal(h.poll.polling, true);
    h.clock.ms += 0.001;
    h.turn();
    if (windows++ % 2 === 0) {
      h.clock.ms += 0.5; // off the CPU between two turns
      h.turn();
    } else {
      h.clock.ms += 0.01;
      h.poll.read();
      h.turn();
    }
  }
  assert.equal(h.poll.pauses, 1, `paused after ${windows} windows`);
  assert.ok(windows <= 10, `paused after ${windows} windows`);
  assert.ok(h.poll.preempted > 0);
  const pausedAt = h.clock.ms;
  h.poll.wrote();
  assert.equal(h.poll.polling, false, 'paused: the write does not poll');
  // The CPUs look free (the kernel gave the core to something the run queue does not show): the pause holds.
  for (let i = 1; i <= 9; i++) {
    h.clock.ms = pausedAt + i * 1.001;
    h.poll.wrote();
    assert.equal(h.poll.polling, false, 'a pause for lost turns is not ended by free looks');
  }
  h.clock.ms = pausedAt + 10.001;
  h.poll.wrote();
  assert.equal(h.poll.polling, true, 'after 10 ms it polls again');
});

test('windows that are rarely interrupted (under 1 in 16) do not pause polling', () => {
  const h = harness(100);
  for (let i = 0; i < 1000; i++) {
    h.poll.wrote();
    assert.equal(h.poll.polling, true, `write ${i}`);
    h.clock.ms += 0.001;
    h.turn();
    h.clock.ms += i % 40 === 0 ? 0.5 : 0.01;
    if (i % 40 === 0) h.turn();
    else {
      h.poll.read();
      h.turn();
    }
  }
  assert.equal(h.poll.pauses, 0);
  assert.equal(h.poll.preempted, 25);
});

test('with every CPU taken, a new window does not open: polling pauses 10 ms; the CPUs are looked at once a millisecond at most', () => {
  const h = harness(100);
  for (let i = 0; i < 50; i++) {
    h.poll.wrote();
    h.clock.ms += 0.01;
    h.poll.read();
    h.turn();
  }
  assert.equal(h.cores.checks, 1, 'fifty windows in 0.5 ms: one look');
  h.clock.ms += 1;
  h.cores.busy = true;
  h.poll.wrote();
  assert.equal(h.poll.polling, false, 'every CPU is taken: no polling');
  assert.equal(h.poll.pauses, 1);
  h.cores.busy = false;
  h.clock.ms += 5;
  h.poll.wrote();
  assert.equal(h.poll.polling, false, 'still within the pause');
  h.clock.ms += 5.001;
  h.poll.wrote();
  assert.equal(h.poll.polling, true, 'the CPUs are free again after the pause');
});

test('CPUs seen taken look after look pause polling longer and longer; once three looks in a row find a CPU free, it resumes at once', () => {
  const h = harness(100);
  h.cores.busy = true;
  // A second of busy CPUs (a burst of work on every core), a write every ms.
  for (let i = 0; i < 1000; i++) {
    h.clock.ms += 1.001;
    h.poll.wrote();
    assert.equal(h.poll.polling, false);
  }
  // Pauses of 10, 20, 40 … ms, not one every 10 ms: busy CPUs seen during a pause do not start a new one.
  assert.ok(h.poll.pauses <= 8, `${h.poll.pauses} pauses`);
  h.cores.busy = false;
  for (const [look, busy] of [[1, false], [2, true], [3, false], [4, false]] as const) {
    h.cores.busy = busy;
    h.clock.ms += 1.001;
    h.poll.wrote();
    assert.equal(h.poll.polling, false, `look ${look}: not yet three free looks in a row`);
  }
  h.cores.busy = false;
  h.clock.ms += 1.001;
  h.poll.wrote();
  assert.equal(h.poll.polling, true, 'three free looks in a row: polling is back, long before the pause would have ended');
});

test('the time from a write to the first turn is this process’s own work, not a sign of a busy core', () => {
  const h = harness(1000);
  h.poll.wrote();
  h.clock.ms += 0.5; // the rest of this tick's work (0.5 ms: longer than a gap that counts)
  h.turn();
  assert.equal(h.scheduled, true, 'still polling');
  assert.equal(h.poll.preempted, 0);
});

test('a window opened while the last one’s turn is still pending is not judged by the time in between', () => {
  const h = harness(1000);
  h.poll.wrote();
  h.clock.ms += 0.001;
  h.turn();
  h.poll.read(); // the reply: the window ends, its next turn is still scheduled
  h.clock.ms += 0.5; // this process handles the reply and writes the next request
  h.poll.wrote();
  h.turn();
  assert.equal(h.scheduled, true, 'still polling for the new reply');
  assert.equal(h.poll.preempted, 0);
});

test('a window of 0 never polls, and a smaller window ends an open one sooner', () => {
  const off = harness(0);
  off.poll.wrote();
  assert.equal(off.scheduled, false);
  assert.equal(off.poll.polling, false);

  const h = harness(5000);
  h.poll.wrote();
  h.poll.micros = 100;
  runOut(h);
  assert.ok(h.clock.ms < 0.102, `the 5 ms window ended at 0.1 ms (${h.clock.ms})`);
  h.poll.wrote();
  h.poll.micros = 0;
  h.clock.ms += 0.001;
  h.turn();
  assert.equal(h.scheduled, false);
  assert.equal(h.poll.polling, false);
  assert.equal(h.poll.micros, 0);
});

test('the window must be a number of µs from 0 to 10 000', () => {
  const before = busyPoll.micros;
  for (const bad of [-1, Number.NaN, Infinity, MAX_BUSY_POLL_MICROS + 1, '100' as unknown as number]) {
    assert.throws(() => setBusyPoll(bad), (error: InvalidArgumentError) => error.code === 'ERR_INVALID_ARGUMENT' && /setBusyPoll\(\)/.test(error.message));
    assert.throws(() => new BusyPoll(bad), (error: InvalidArgumentError) => error.code === 'ERR_INVALID_ARGUMENT');
  }
  assert.equal(busyPoll.micros, before, 'a refused value changes nothing');
});

test('setBusyPoll sets this process’s window and the one child processes inherit', (t) => {
  const before = process.env.MULTIPROC_BUSY_POLL_US;
  const window = busyPoll.micros;
  t.after(() => {
    setBusyPoll(window);
    if (before === undefined) delete process.env.MULTIPROC_BUSY_POLL_US;
    else process.env.MULTIPROC_BUSY_POLL_US = before;
  });
  setBusyPoll(0);
  assert.equal(busyPoll.micros, 0);
  const child = spawnSync(process.execPath, [...process.execArgv, '--input-type=module', '-e', PRINT_WINDOW], {
    encoding: 'utf8',
  });
  assert.equal(child.stdout.trim(), '0', child.stderr);
});

test('MULTIPROC_BUSY_POLL_US that is not a number of µs gets a coded warning and the default', () => {
  const child = spawnSync(process.execPath, [...process.execArgv, '--input-type=module', '-e', PRINT_WINDOW], {
    encoding: 'utf8',
    env: { ...process.env, MULTIPROC_BUSY_POLL_US: 'fast' },
  });
  assert.equal(child.stdout.trim(), String(DEFAULT_BUSY_POLL_MICROS));
  assert.match(child.stderr, /MULTIPROC_BAD_BUSY_POLL_US/);
});

/** Two connected loopback TCP sockets, and their server (close it when done). */
async function connectedSockets(): Promise<{ server: Server; client: Socket; serverSide: Socket }> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  const accepted = once(server, 'connection') as Promise<[Socket]>;
  const client = connect(port, '127.0.0.1');
  await once(client, 'connect');
  const [serverSide] = await accepted;
  return { server, client, serverSide };
}

test('a Channel reports every write (batched, large, bytes) and every read to its BusyPoll', async (t) => {
  const { server, client, serverSide } = await connectedSockets();
  /** A BusyPoll that counts what it is told (and never polls: a window of 0). */
  class Counting extends BusyPoll {
    writes = 0;
    reads = 0;
    override wrote(): void {
      this.writes++;
      super.wrote();
    }
    override read(): void {
      this.reads++;
      super.read();
    }
  }
  const sender = new Counting(0);
  const receiver = new Counting(0);
  let got = 0;
  const a = new Channel<unknown, unknown>(client, { onMessage: () => {}, busyPoll: sender });
  const b = new Channel<unknown, unknown>(serverSide, { onMessage: () => got++, busyPoll: receiver });
  t.after(() => {
    a.destroy();
    b.destroy();
    server.close();
  });
  const settle = async (messages: number) => {
    while (got < messages) await new Promise<void>((resolve) => setImmediate(resolve));
  };
  a.send({ small: 1 });
  await settle(1);
  assert.equal(sender.writes, 1, 'a batch');
  a.send({ large: 'x'.repeat(100 * 1024) }); // over 64 KiB: written beside the batch
  await settle(2);
  assert.equal(sender.writes, 2, 'a large frame');
  a.keepJournal(join(mkdtempSync(join(tmpdir(), 'busy-poll-')), 'journal')); // with a journal, bytes go through the socket
  await a.sendBuffer(Buffer.alloc(300 * 1024, 1));
  await settle(3);
  assert.equal(sender.writes, 3, 'a bytes message');
  assert.ok(receiver.reads >= 3, `the reader was told of its reads (${receiver.reads})`);
  assert.equal(receiver.writes, 0);
});

test('on real sockets and a real loop, a Channel round trip opens windows that replies close', async (t) => {
  const { server, client, serverSide } = await connectedSockets();
  // Its own BusyPoll (real clock, real setImmediate) that never finds the CPUs taken: the process's own pauses
  // while other test files keep the cores busy, and would then open no window at all.
  const poll = new BusyPoll(MAX_BUSY_POLL_MICROS, undefined, undefined, () => false);
  const got: unknown[] = [];
  const a = new Channel<unknown, unknown>(client, { onMessage: (m) => got.push(m), busyPoll: poll });
  const b = new Channel<unknown, unknown>(serverSide, { onMessage: (m) => b.send(m), busyPoll: poll });
  t.after(() => {
    a.destroy();
    b.destroy();
    server.close();
  });
  // Until a reply comes while polling (the 10 ms window is far longer than a loopback echo; the deadline only bounds a hang).
  const deadline = Date.now() + 30_000;
  for (let i = 0; poll.hits === 0 && Date.now() < deadline; i++) {
    a.send({ i });
    while (got.length <= i) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  assert.ok(poll.hits > 0, 'a reply came while the loop polled for it');
  await new Promise<void>((resolve) => setImmediate(resolve));
  await new Promise<void>((resolve) => setImmediate(resolve));
  assert.equal(poll.polling, false, 'the reply ended the window');
});
