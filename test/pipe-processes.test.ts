// Pipe ends in real child processes: passing, direct child↔child traffic, grandchildren, and the way back up.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Connection, Pipe, Process, Queue, wait } from 'multiproc';
import { pointThenDie, Point, staleThenDie } from './fixtures/journal-workers.mjs';
import { echo, echoViaGrandchild, readAll, sendAnEndBack, sendNowThenDie, sendNumberedBytes, sendNumbers, sendThenDie, slowPointThenBytes, smallsThenBytesThenExit, writeMany } from './fixtures/pipe-workers.mjs';

const execFileAsync = promisify(execFile);
const scratch = mkdtempSync(join(tmpdir(), 'multiproc-test-journal-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** Everything received until EOF. */
async function drain(end: Connection<unknown>): Promise<unknown[]> {
  const got: unknown[] = [];
  for await (const message of end) got.push(message);
  return got;
}

describe('Pipe journals: what a process sent survives its SIGKILL', () => {
  it('the other end recovers every message sent but not yet written, in order, then EOF; the journal file is removed', async () => {
    const journal = join(scratch, 'a');
    const [mine, theirs] = Pipe<unknown>();
    mine.recoverFrom(journal);
    const child = new Process({ target: sendThenDie, args: [theirs, journal, 1000] }).start();
    const got = await drain(mine);
    await child.join();
    assert.equal(child.signalCode, 'SIGKILL');
    assert.equal(got.length, 1003);
    assert.equal(got[0], 'open');
    assert.deepEqual(got.slice(1, 1001), Array.from({ length: 1000 }, (_, i) => i));
    assert.ok(Buffer.isBuffer(got[1001]) && (got[1001] as Buffer).length === 1024 * 1024 && (got[1001] as Buffer).every((b) => b === 7));
    assert.equal(got[1002], 'last');
    assert.equal(existsSync(journal), false);
  });

  it('sendNow() journals only what the socket could not take at once; after a SIGKILL every message arrives, in order', async () => {
    const journal = join(scratch, 'now');
    const [mine, theirs] = Pipe<unknown>();
    mine.recoverFrom(journal);
    const count = 400; // 3.2 MiB: this end stops reading after 256 messages, so the socket fills
    const child = new Process({ target: sendNowThenDie, args: [theirs, journal, count] }).start();
    await child.join();
    assert.equal(child.signalCode, 'SIGKILL');
    const got = await drain(mine);
    assert.deepEqual(got.slice(0, 12), ['open', 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, { journalBytes: 0 }], 'small messages the socket took were not journaled');
    const numbers = got.slice(12).map((message) => (message as { i: number }).i);
    assert.deepEqual(numbers, Array.from({ length: count }, (_, i) => i));
    assert.equal(existsSync(journal), false);
  });

  it('without recoverFrom (or without a journal) those messages die with the process', async () => {
    const unread = join(scratch, 'b');
    const [mine, theirs] = Pipe<unknown>();
    const child = new Process({ target: sendThenDie, args: [theirs, unread, 1000] }).start();
    const got = await drain(mine).catch(() => ['(truncated)']);
    await child.join();
    assert.ok(got.length < 1003, `received ${got.length} messages`);

    const [mine2, theirs2] = Pipe<unknown>();
    mine2.recoverFrom(join(scratch, 'never-written'));
    const child2 = new Process({ target: sendThenDie, args: [theirs2, undefined, 1000] }).start();
    const got2 = await drain(mine2).catch(() => ['(truncated)']);
    await child2.join();
    assert.ok(got2.length < 1003 && got2.at(-1) !== 'last', `received ${got2.length} messages`);
  });

  it('a journaled message whose class must be imported first (a RequireModules frame) is recovered, and so are the ones after it', async () => {
    const journal = join(scratch, 'c');
    const [mine, theirs] = Pipe<unknown>();
    mine.recoverFrom(journal);
    const child = new Process({ target: pointThenDie, args: [theirs, journal] }).start();
    const got = await drain(mine);
    await child.join();
    assert.deepEqual(got, ['open', new Point(1, 2), 'after-1', 'after-2']);
    assert.ok(got[1] instanceof Point);
  });

  it('bytes left in the file from before the journal started over are never delivered, even when they look like a record', async () => {
    const journal = join(scratch, 'd');
    const [mine, theirs] = Pipe<unknown>();
    mine.recoverFrom(journal);
    const child = new Process({ target: staleThenDie, args: [theirs, journal] }).start();
    const got = await drain(mine);
    await child.join();
    assert.equal(got.length, 3, `received ${got.length} messages: ${JSON.stringify(got.map(String))}`);
    assert.equal(got[0], 'open');
    assert.equal((got[1] as Buffer).length, 100);
    assert.equal(got[2], 'x');
  });

  it('keepJournal fails at once for a path it cannot create; an end with a journal cannot be passed on', async () => {
    const [a] = Pipe<unknown>();
    assert.throws(() => a.keepJournal(join(scratch, 'no-such-dir', 'j')), { code: 'ENOENT' });
    const [c, d] = Pipe<unknown>();
    c.keepJournal(join(scratch, 'f'));
    assert.throws(() => new Process({ target: echo, args: [c] }).start(), { code: 'ERR_INVALID_STATE' });
    d.recoverFrom(join(scratch, 'g'));
    assert.throws(() => new Process({ target: echo, args: [d] }).start(), { code: 'ERR_INVALID_STATE' });
    await Promise.all([a.close(), c.close(), d.close()]);
  });

  it('trySend sends at once or throws: ERR_INVALID_STATE before the end is open, ERR_ENCODE for what cannot be sent', async () => {
    const [a, b] = Pipe<unknown>();
    assert.throws(() => a.trySend(1), { code: 'ERR_INVALID_STATE' });
    await a.send(0);
    assert.equal(a.trySend(1), true);
    assert.throws(() => a.trySend(() => 1), { code: 'ERR_ENCODE' });
    assert.equal(a.trySend(2), true);
    assert.deepEqual([await b.recv(), await b.recv(), await b.recv()], [0, 1, 2]);
    await a.close();
    assert.throws(() => a.trySend(3), { code: 'ERR_CLOSED' });
    await b.close();
  });
});

describe('Pipe ends and the event loop', () => {
  it('a pending recv() keeps the program alive until its message comes; an end nobody waits on lets the program end', async () => {
    const workers = new URL('./fixtures/pipe-workers.mjs', import.meta.url).href;
    // A daemon child that sends after `ms`; the program is killed (and the call rejects) if it has not ended in 30 s.
    const run = async (ms: number, body: string) => {
      const program = `import { Pipe, Process } from 'multiproc'; import { sendAfter } from ${JSON.stringify(workers)};
        const [mine, theirs] = Pipe(); new Process({ target: sendAfter, args: [theirs, ${ms}, 'late'], daemon: true }).start(); ${body}`;
      return execFileAsync(process.execPath, ['--input-type=module', '-e', program], { cwd: fileURLToPath(new URL('..', import.meta.url)), timeout: 30_000 });
    };
    // Nothing but the pending recv() (the child is a daemon) keeps the loop alive for the 300 ms.
    assert.equal((await run(300, `await mine.send('hello'); console.log(await mine.recv());`)).stdout, 'late\n');
    // An idle end does not: the program ends long before the child would send (the daemon child goes with it).
    assert.equal((await run(120_000, `await mine.send('hello'); console.log('idle');`)).stdout, 'idle\n');
  });
});

describe('Pipe across processes', () => {
  it('an end passed to a child works there: round trips to an echoing child', async () => {
    const [mine, theirs] = Pipe<unknown>();
    const child = new Process({ target: echo, args: [theirs] }).start();
    assert.equal(theirs.closed, true, 'the end that was passed on is gone from here');
    await assert.rejects(theirs.send(1), { code: 'ERR_CLOSED' });
    for (const value of [1, 'two', { three: [3] }, new Map([[4, 4]])]) {
      await mine.send(value);
      assert.deepEqual(await mine.recv({ timeout: 30_000 }), value);
    }
    await mine.close();
    await child.join();
    assert.equal(child.exitCode, 0);
  });

  it('two children holding the two ends talk directly: the bytes never pass through the creator', async () => {
    const [reader, writer] = Pipe({ duplex: false });
    const [report, reportEnd] = Pipe<{ bytes: number; messages: number }>();
    const producer = new Process({ target: writeMany, args: [writer, 256, 64 * 1024] }).start();
    const consumer = new Process({ target: readAll, args: [reader, reportEnd] }).start();
    assert.deepEqual(await report.recv({ timeout: 60_000 }), { bytes: 256 * 64 * 1024, messages: 256 });
    await Promise.all([producer.join(), consumer.join()]);
    const throughCreator = ['bytesIn', 'bytesOut'].map((k) => (producer._peer!.counters as Record<string, number>)[k]! + (consumer._peer!.counters as Record<string, number>)[k]!);
    // 16 MiB went from producer to consumer; the creator's channels to them carried only the boot messages.
    assert.ok(throughCreator.every((bytes) => bytes < 16 * 1024), `the creator's channels carried ${throughCreator} bytes`);
  });

  it('large bytes from a child that exits right after sending all arrive (through the shared-memory ring), read into one buffer; nothing is left in /dev/shm', async () => {
    const [mine, theirs] = Pipe({ duplex: false });
    const child = new Process({ target: sendNumberedBytes, args: [theirs, 6, 1024 * 1024] }).start();
    await child.join(); // gone before this end reads anything: its messages must outlive it
    assert.equal(child.exitCode, 0);
    const buffer = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < 6; i++) {
      assert.equal(await mine.recvBytesInto(buffer), buffer.length);
      assert.ok(buffer.every((byte) => byte === i), `message ${i}`);
    }
    await assert.rejects(mine.recvBytesInto(buffer), { code: 'ERR_EOF' });
    if (existsSync('/dev/shm')) assert.deepEqual(readdirSync('/dev/shm').filter((name) => name.startsWith(`multiproc-bulk-${child.pid}-`)), []);
  });

  it('`await sendBytes()` then process.exit(): the bytes, and every message before them, arrive', async () => {
    const [mine, theirs] = Pipe<unknown>({ duplex: false });
    const child = new Process({ target: smallsThenBytesThenExit, args: [theirs, 2000] }).start();
    assert.equal(await mine.recv(), 'open');
    await new Promise((resolve) => setTimeout(resolve, 200)); // this end a little behind
    const got = await drain(mine);
    await child.join();
    assert.deepEqual(got.slice(0, 2000), Array.from({ length: 2000 }, (_, i) => i));
    assert.equal(got.length, 2001);
    assert.ok(Buffer.isBuffer(got[2000]) && (got[2000] as Buffer).length === 1024 * 1024 && (got[2000] as Buffer).every((b) => b === 9));
  });

  it('large bytes behind a message whose class this process must import first (a slow module) arrive, though their writer has ended meanwhile', async () => {
    const [mine, theirs] = Pipe<unknown>({ duplex: false });
    const child = new Process({ target: slowPointThenBytes, args: [theirs] }).start();
    assert.deepEqual({ ...(await mine.recv()) as object }, { x: 1, y: 2 });
    const bytes = await mine.recvBytes();
    assert.ok(bytes.length === 1024 * 1024 && bytes.every((b) => b === 5));
    await child.join();
  });

  it('a stream of large bytes between two processes, faster than the reader takes them, arrives whole and in order', async () => {
    const [mine, theirs] = Pipe({ duplex: false });
    const child = new Process({ target: sendNumberedBytes, args: [theirs, 40, 700_000] }).start();
    for (let i = 0; i < 40; i++) {
      const bytes = await mine.recvBytes();
      assert.ok(bytes.length === 700_000 && bytes.every((byte) => byte === i), `message ${i}`);
      if (i % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 20)); // the writer fills the ring and waits
    }
    await child.join();
    assert.equal(child.exitCode, 0);
  });

  it('after the other process sent and left, a send from this end fails (EPIPE) without losing what it sent: every message arrives, then EOF', async () => {
    const [mine, theirs] = Pipe<unknown>();
    await mine.send('hello'); // opens this end, and leaves a message the child never reads
    const child = new Process({ target: sendNumbers, args: [theirs, 400] }).start();
    await child.join();
    // This end read 256 messages and paused (its flow control); the rest wait in the kernel. Writing to a socket whose
    // process is gone fails, and Node then destroys the socket: before the fix, the last 144 messages were lost with it.
    await new Promise((resolve) => setTimeout(resolve, 100));
    await mine.send('anyone there?');
    const got = await drain(mine);
    assert.deepEqual(got, Array.from({ length: 400 }, (_, i) => i));
    await assert.rejects(mine.send('again'), { code: 'ERR_CHANNEL_CLOSED' });
  });

  it('an end passed on to a grandchild still works', async () => {
    const [mine, theirs] = Pipe<string>();
    const child = new Process({ target: echoViaGrandchild, args: [theirs] }).start();
    await mine.send('hello, grandchild');
    assert.equal(await mine.recv({ timeout: 30_000 }), 'hello, grandchild');
    await mine.close();
    await child.join();
  });

  it('an end made in a child travels up to the parent inside a queue item', async () => {
    const results = new Queue<Connection<string>>();
    const child = new Process({ target: sendAnEndBack, args: [results] }).start();
    const end = await results.get({ timeout: 30_000 });
    assert.ok(end instanceof Connection);
    assert.equal(await end.recv({ timeout: 30_000 }), 'through an end that travelled up');
    await child.join();
  });

  it('an end cannot be sent over a pipe (a pipe carries no OS handles): ERR_ENCODE, and the end stays usable', async () => {
    const [a, b] = Pipe<string>();
    const [x, y] = Pipe<unknown>();
    await assert.rejects(x.send(a), { code: 'ERR_ENCODE', message: /only be passed to a child process or back to the parent/ });
    await b.send('still here');
    assert.equal(await a.recv(), 'still here');
    for (const end of [a, b, x, y]) await end.close();
  });

  it('an end in a start() that fails to encode stays usable here', async () => {
    const [a, b] = Pipe<string>();
    assert.throws(() => new Process({ target: echo, args: [a, Symbol('not sendable')] }).start(), { code: 'ERR_ENCODE' });
    assert.equal(a.closed, false);
    await a.send('still mine');
    assert.equal(await b.recv({ timeout: 10_000 }), 'still mine');
    await a.close();
    await b.close();
  });

  it('an end used here cannot be passed on: ERR_INVALID_STATE names the rule', async () => {
    const [a, b] = Pipe();
    await a.send('used');
    assert.throws(() => new Process({ target: echo, args: [a] }).start(), { code: 'ERR_INVALID_STATE', message: /before it is used/ });
    await a.close();
    await b.close();
  });

  it('wait() returns a Process once it has exited, and a Connection once it has data', async () => {
    const [mine, theirs] = Pipe<string>();
    const child = new Process({ target: echo, args: [theirs] }).start();
    assert.deepEqual(await wait([mine, child], { timeout: 50 }), []);
    await mine.send('ping');
    assert.deepEqual(await wait([mine, child], { timeout: 30_000 }), [mine]);
    await mine.recv();
    await mine.close();
    assert.deepEqual(await wait([child], { timeout: 30_000 }), [child]);
  });
});
