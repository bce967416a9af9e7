// BusyPoll: after a write, the loop polls for a reply for one window, and only while replies usually come within one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer, connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { BusyPoll, Channel, DEFAULT_BUSY_POLL_MICROS, InvalidArgumentError, busyPoll, setBusyPoll } from '@multiproc/wire';

/** Prints the child's busy-poll window (µs). */
const PRINT_WINDOW = `const { busyPoll } = await import(${JSON.stringify(import.meta.resolve('@multiproc/wire'))}); console.log(busyPoll.micros);`;

/** A BusyPoll on a clock the test moves (ms) and a loop the test turns (`turn()` runs what was scheduled). */
function harness(micros = 100) {
  const clock = { ms: 0 };
  let next: (() => void) | undefined;
  const poll = new BusyPoll(
    micros,
    () => clock.ms,
    (spin) => {
      assert.equal(next, undefined, 'one turn scheduled at a time');
      next = spin;
    },
  );
  return {
    poll,
    clock,
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

test('a window that passes without a read is a miss, and polling stops', () => {
  const h = harness(100);
  h.poll.wrote();
  h.clock.ms = 0.05;
  h.turn();
  assert.equal(h.scheduled, true);
  h.clock.ms = 0.1;
  h.turn();
  assert.equal(h.scheduled, false, 'the window is over');
  assert.equal(h.poll.polling, false);
  assert.equal(h.poll.misses, 1);
  assert.equal(h.poll.hits, 0);
});

test('each write extends the window, and a read after it is not polled for', () => {
  const h = harness(100);
  h.poll.wrote();
  h.clock.ms = 0.08;
  h.turn();
  h.poll.wrote(); // until 0.18
  h.clock.ms = 0.15;
  h.turn();
  assert.equal(h.scheduled, true, 'the second write moved the end of the window');
  h.clock.ms = 0.18;
  h.turn();
  assert.equal(h.scheduled, false);
  assert.equal(h.poll.misses, 1, 'one window, one miss');
});

test('writes not answered within a window turn polling off; quick replies turn it back on', () => {
  const h = harness(100);
  // Replies that take 1 ms (long tasks): each write polls a window for nothing, until the average says so.
  let polled = 0;
  for (let i = 0; i < 20; i++) {
    h.poll.wrote();
    if (h.poll.polling) polled++;
    h.clock.ms += 0.1;
    while (h.turn());
    h.clock.ms += 0.9;
    h.poll.read();
  }
  assert.ok(polled > 0 && polled <= 3, `polled after ${polled} of 20 slow writes`);
  assert.ok(h.poll.typicalMicros >= 100);
  assert.equal(h.poll.misses, polled);
  // Now replies come in 20 µs (measured without polling): the average falls below the window and polling resumes.
  let resumedAfter = -1;
  for (let i = 0; i < 40 && resumedAfter < 0; i++) {
    h.poll.wrote();
    if (h.poll.polling) resumedAfter = i;
    h.clock.ms += 0.02;
    h.poll.read();
    while (h.turn());
  }
  assert.ok(resumedAfter > 0, 'polling came back once replies were quick');
  assert.ok(h.poll.typicalMicros < 100);
});

test('a one-way writer (no reads at all) stops polling after a few windows', () => {
  const h = harness(100);
  let polled = 0;
  for (let i = 0; i < 100; i++) {
    h.poll.wrote();
    if (h.poll.polling) polled++;
    h.clock.ms += 1;
    while (h.turn());
  }
  assert.ok(polled <= 3, `polled ${polled} windows of 100 writes`);
});

test('a window of 0 never polls, and setting it to 0 ends a window at the next turn', () => {
  const off = harness(0);
  off.poll.wrote();
  assert.equal(off.scheduled, false);
  assert.equal(off.poll.polling, false);

  const h = harness(100);
  h.poll.wrote();
  h.poll.micros = 0;
  h.turn();
  assert.equal(h.scheduled, false);
  assert.equal(h.poll.polling, false);
  assert.equal(h.poll.micros, 0);
});

test('the window must be a number of µs ≥ 0', () => {
  for (const bad of [-1, Number.NaN, Infinity, '100' as unknown as number]) {
    assert.throws(() => setBusyPoll(bad), (error: InvalidArgumentError) => error.code === 'ERR_INVALID_ARGUMENT' && /setBusyPoll\(\)/.test(error.message));
    assert.throws(() => new BusyPoll(bad), (error: InvalidArgumentError) => error.code === 'ERR_INVALID_ARGUMENT');
  }
  assert.equal(busyPoll.micros, DEFAULT_BUSY_POLL_MICROS, 'a refused value changes nothing');
});

test('setBusyPoll sets this process’s window and the one child processes inherit', (t) => {
  const before = process.env.MULTIPROC_BUSY_POLL_US;
  t.after(() => {
    setBusyPoll(DEFAULT_BUSY_POLL_MICROS);
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

test('a Channel write makes this process poll, and a message read ends it', async (t) => {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  const accepted = once(server, 'connection') as Promise<[Socket]>;
  const client = connect(port, '127.0.0.1');
  await once(client, 'connect');
  const [serverSide] = await accepted;
  const got: unknown[] = [];
  const a = new Channel<unknown, unknown>(client, { onMessage: (m) => got.push(m) });
  const b = new Channel<unknown, unknown>(serverSide, { onMessage: (m) => b.send(m) });
  t.after(() => {
    a.destroy();
    b.destroy();
    server.close();
  });
  // A window of 10 s: every window here ends with a read, none by time.
  setBusyPoll(10_000_000);
  t.after(() => setBusyPoll(DEFAULT_BUSY_POLL_MICROS));
  const hitsBefore = busyPoll.hits;
  const missesBefore = busyPoll.misses;
  for (let i = 0; i < 20; i++) {
    a.send({ i });
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (got.length <= i) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  assert.equal(got.length, 20);
  assert.ok(busyPoll.hits - hitsBefore >= 20, `writes opened windows and reads closed them (${busyPoll.hits - hitsBefore} hits)`);
  assert.equal(busyPoll.misses, missesBefore);
  await new Promise<void>((resolve) => setImmediate(resolve));
  assert.equal(busyPoll.polling, false, 'the last reply ended the last window');
});
