// Both ends in one process (see test/pipe-processes.test.ts for ends in other processes).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readdirSync, readlinkSync } from 'node:fs';
import { BufferTooShortError, Pipe, wait } from '@multiproc/pipe';

/** This process's open descriptors of bulk ring files (on Linux). */
function ringDescriptors(): string[] {
  let fds: string[];
  try {
    fds = readdirSync('/proc/self/fd');
  } catch {
    return [];
  }
  return fds
    .map((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        return '';
      }
    })
    .filter((target) => target.includes('multiproc-bulk-'));
}

describe('Pipe in one process', () => {
  it('sends values both ways, in order', async () => {
    const [a, b] = Pipe<unknown>();
    await a.send({ n: 1, when: new Date(0), tags: new Set(['x']) });
    await a.send('two');
    assert.deepEqual(await b.recv(), { n: 1, when: new Date(0), tags: new Set(['x']) });
    assert.equal(await b.recv(), 'two');
    await b.send(3);
    assert.equal(await a.recv(), 3);
    await a.close();
    await b.close();
  });

  it('recv() after the other end closed drains, then rejects with ERR_EOF; for await ends', async () => {
    const [a, b] = Pipe<number>();
    for (let i = 0; i < 5; i++) await a.send(i);
    await a.close();
    const seen: number[] = [];
    for await (const value of b) seen.push(value);
    assert.deepEqual(seen, [0, 1, 2, 3, 4]);
    await assert.rejects(b.recv(), { code: 'ERR_EOF', name: 'EOFError' });
  });

  it('for await: a break leaves the rest for recv(); a loop ends quietly at EOF; next() calls at once get consecutive messages', async () => {
    const [a, b] = Pipe<number>();
    for (let i = 0; i < 6; i++) await a.send(i);
    for await (const value of b) if (value === 1) break;
    assert.equal(await b.recv(), 2, 'the messages after the break are still there');
    const iterator = b[Symbol.asyncIterator]();
    assert.deepEqual(await Promise.all([iterator.next(), iterator.next()]), [
      { value: 3, done: false },
      { value: 4, done: false },
    ]);
    await a.close();
    const rest: number[] = [];
    for await (const value of iterator) rest.push(value);
    assert.deepEqual(rest, [5]);
    assert.deepEqual(await iterator.next(), { value: undefined, done: true });
    await b.close();
  });

  it('poll() says whether something is waiting, waiting up to its timeout', async () => {
    const [a, b] = Pipe<string>();
    assert.equal(await b.poll(), false);
    assert.equal(await b.poll(20), false);
    setTimeout(() => void a.send('late'), 20);
    assert.equal(await b.poll(10_000), true);
    assert.equal(await b.recv(), 'late');
    await a.close();
    await b.close();
  });

  it('recv({ timeout }) rejects with ERR_TIMEOUT and takes nothing', async () => {
    const [a, b] = Pipe<string>();
    await assert.rejects(b.recv({ timeout: 20 }), { code: 'ERR_TIMEOUT' });
    await a.send('kept');
    assert.equal(await b.recv(), 'kept');
    await a.close();
    await b.close();
  });

  it('sendBytes/recvBytes carry bytes, a slice of a buffer, and enforce maxLength', async () => {
    const [a, b] = Pipe();
    const big = Buffer.alloc(3 * 1024 * 1024, 7);
    // Over the pipe's limit: send() waits for the reader, as Python's does, so both run at once.
    const [, got] = await Promise.all([a.sendBytes(big), b.recvBytes()]);
    await a.sendBytes(Buffer.from('hello world'), 6, 5);
    assert.equal(got.length, big.length);
    assert.ok(got.equals(big));
    assert.equal((await b.recvBytes()).toString(), 'world');
    await a.sendBytes(Buffer.alloc(10));
    await assert.rejects(b.recvBytes({ maxLength: 5 }), { code: 'ERR_PROTOCOL' });
    await a.send('not bytes');
    await assert.rejects(b.recvBytes(), { code: 'ERR_PROTOCOL' });
    assert.throws(() => a.sendBytes(Buffer.alloc(4), 2, 5), { code: 'ERR_INVALID_ARGUMENT' });
    await a.close();
    await b.close();
  });

  it('a large sendBytes is written from the caller\'s buffer: reusing it once the send resolved changes nothing received, and order holds', async () => {
    const [a, b] = Pipe();
    const chunk = Buffer.alloc(256 * 1024);
    const received: Array<Promise<unknown>> = [];
    for (let i = 0; i < 8; i++) {
      chunk.fill(i);
      received.push(b.recv(), b.recvBytes());
      await a.send(`header ${i}`);
      await a.sendBytes(chunk, 1024); // a view that skips the first KiB: the zero-copy path takes views too
    }
    const got = await Promise.all(received);
    for (let i = 0; i < 8; i++) {
      assert.equal(got[2 * i], `header ${i}`);
      const bytes = got[2 * i + 1] as Buffer;
      assert.equal(bytes.length, chunk.length - 1024);
      assert.ok(bytes.every((byte) => byte === i), `message ${i} was changed after its send resolved`);
    }
    await a.close();
    await b.close();
  });

  it('recvBytesInto() reads each bytes message into the buffer from offset on and returns its length; a message too long is BufferTooShortError with the message', async () => {
    const [a, b] = Pipe();
    const buffer = Buffer.alloc(600_000, 0xee);
    const big = Buffer.from(Array.from({ length: 500_000 }, (_, i) => (i * 7) % 251));
    const receiving = b.recvBytesInto(buffer, 10); // waiting when the message comes: read in place
    await a.sendBytes(big);
    assert.equal(await receiving, big.length);
    assert.ok(buffer.subarray(10, 10 + big.length).equals(big));
    assert.ok(buffer.subarray(0, 10).every((x) => x === 0xee) && buffer.subarray(10 + big.length).every((x) => x === 0xee), 'nothing written outside the message');

    await a.sendBytes(Buffer.from('small')); // waiting in the pipe when asked for: copied
    assert.equal(await b.recvBytesInto(buffer), 5);
    assert.equal(buffer.subarray(0, 5).toString(), 'small');

    const tooLong = Buffer.alloc(200_000, 3);
    const short = b.recvBytesInto(buffer, buffer.length - 100_000);
    await a.sendBytes(tooLong);
    await assert.rejects(short, (error: unknown) => {
      assert.ok(error instanceof BufferTooShortError);
      assert.equal(error.code, 'ERR_BUFFER_TOO_SHORT');
      assert.ok(error.bytes.equals(tooLong), 'the message travels with the error');
      return true;
    });

    await a.send({ not: 'bytes' });
    await assert.rejects(b.recvBytesInto(buffer), { code: 'ERR_PROTOCOL' });
    await assert.rejects(b.recvBytesInto(buffer, buffer.length + 1), { code: 'ERR_INVALID_ARGUMENT' });
    await assert.rejects(b.recvBytesInto(buffer, 1.5), { code: 'ERR_INVALID_ARGUMENT' });
    await a.close();
    await assert.rejects(b.recvBytesInto(buffer), { code: 'ERR_EOF' });
    await b.close();
  });

  it('once recvBytesInto() has its message, or gave up, nothing more is written into its buffer', async () => {
    const [a, b] = Pipe();
    const buffer = Buffer.alloc(300_000, 0xee);
    // A small message and a large one in the same write: the first settles the call, the second must not land in its buffer.
    const first = b.recvBytesInto(buffer);
    void a.sendBytes(Buffer.from('first'));
    void a.sendBytes(Buffer.alloc(200_000, 1));
    assert.equal(await first, 5);
    const second = await b.recvBytes();
    assert.ok(second.length === 200_000 && second.every((x) => x === 1));
    assert.ok(buffer.subarray(5).every((x) => x === 0xee), 'the large message was not read into the first call\'s buffer');

    // A call that timed out leaves its buffer alone; the message that comes later is received whole.
    await assert.rejects(b.recvBytesInto(buffer, 0, { timeout: 20 }), { code: 'ERR_TIMEOUT' });
    await a.sendBytes(Buffer.alloc(250_000, 2));
    const late = await b.recvBytes();
    assert.ok(late.length === 250_000 && late.every((x) => x === 2));
    assert.ok(buffer.subarray(5).every((x) => x === 0xee), 'nothing read into the buffer of a call that gave up');
    await a.close();
    await b.close();
  });

  it('large bytes both ways: each end sends 5 × 2 MiB before it reads, and both get everything (the shared-memory ring does not make a writer wait longer than a socket would)', async () => {
    const [a, b] = Pipe();
    const side = async (me: typeof a, fill: number) => {
      const message = Buffer.alloc(2 * 1024 * 1024, fill);
      for (let i = 0; i < 5; i++) await me.sendBytes(message);
      const into = Buffer.alloc(message.length);
      for (let i = 0; i < 5; i++) {
        assert.equal(await me.recvBytesInto(into), message.length);
        assert.ok(into.every((x) => x === 3 - fill));
      }
    };
    await Promise.all([side(a, 1), side(b, 2)]);
    await Promise.all([a.close(), b.close()]);
  });

  it('both ends close with large bytes still unsent or unread: close() ends, and no ring descriptor is left open', async () => {
    const [a, b] = Pipe();
    await a.send('open');
    await b.recv();
    const message = Buffer.alloc(2 * 1024 * 1024, 1);
    const sends: Array<Promise<unknown>> = [];
    for (let i = 0; i < 5; i++) sends.push(a.sendBytes(message).catch(() => {}), b.sendBytes(message).catch(() => {}));
    await Promise.all([a.close(), b.close()]);
    await Promise.all(sends);
    // An end closed while ring messages still arrive lets go of them too.
    const [c, d] = Pipe();
    const more: Array<Promise<unknown>> = [];
    for (let i = 0; i < 3; i++) more.push(c.sendBytes(message).catch(() => {}));
    await d.recv();
    const closing = d.close();
    for (let i = 0; i < 3; i++) more.push(c.sendBytes(message).catch(() => {}));
    await closing;
    await Promise.all(more);
    await c.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(ringDescriptors(), [], 'ring files still open');
  });

  it('recvMany() takes every value waiting, in order, but stops before a bytes message in shared memory (reading it may fail: the next call reads it first)', async () => {
    const [a, b] = Pipe<unknown>();
    const big = Buffer.alloc(200_000, 7); // large enough for the shared-memory ring
    await a.send(1);
    await a.send(2);
    await a.sendBytes(big);
    await a.send(3);
    await a.send(4);
    while (!(await b.poll(1000)));
    await new Promise((resolve) => setTimeout(resolve, 50)); // everything arrived
    assert.deepEqual(await b.recvMany(), [1, 2]);
    const next = await b.recvMany();
    assert.equal(next.length, 3);
    assert.deepEqual(next[0], big);
    assert.deepEqual(next.slice(1), [3, 4]);
    assert.deepEqual(await b.recvMany(10, { timeout: 0 }).catch((error: { code?: string }) => error.code), 'ERR_TIMEOUT');
    await a.close();
    await b.close();
  });

  it('one-way pipes: the first end only receives, the second only sends', async () => {
    const [reader, writer] = Pipe({ duplex: false });
    assert.equal(reader.writable, false);
    assert.equal(writer.readable, false);
    await assert.rejects(reader.send(1), { code: 'ERR_INVALID_STATE' });
    await assert.rejects(writer.recv(), { code: 'ERR_INVALID_STATE' });
    await writer.send(1);
    assert.equal(await reader.recv(), 1);
    await writer.close();
    await reader.close();
  });

  it('a closed end refuses with ERR_CLOSED', async () => {
    const [a, b] = Pipe();
    await a.close();
    await assert.rejects(a.send(1), { code: 'ERR_CLOSED' });
    await b.close();
  });

  it('a slow reader holds the writer back: send() waits instead of buffering without bound', async () => {
    const [a, b] = Pipe<Buffer>();
    const chunk = Buffer.alloc(64 * 1024);
    let sent = 0;
    const writing = (async () => {
      for (let i = 0; i < 2000; i++) {
        await a.send(chunk);
        sent++;
      }
    })();
    await new Promise((r) => setTimeout(r, 200));
    // 2000 × 64 KiB = 125 MiB; the writer must be stopped far below that while nobody reads.
    assert.ok(sent < 600, `the writer sent ${sent} chunks to a reader that reads nothing`);
    let received = 0;
    while (received < 2000) {
      await b.recv();
      received++;
    }
    await writing;
    assert.equal(sent, 2000);
    await a.close();
    await b.close();
  });

  it('wait() returns the ends that have something to receive', async () => {
    const [a1, b1] = Pipe();
    const [a2, b2] = Pipe();
    assert.deepEqual(await wait([b1, b2], { timeout: 20 }), []);
    await a2.send('x');
    assert.deepEqual(await wait([b1, b2], { timeout: 10_000 }), [b2]);
    await assert.rejects(wait([{} as never]), { code: 'ERR_INVALID_ARGUMENT' });
    for (const end of [a1, b1, a2, b2]) await end.close();
  });
});
