// Security: a Redis ACL user, TLS (rediss:// with a certificate made here by openssl), payload sealing, and
// credentials never in handles, error messages or the worker's boot line.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Lock } from '@multiproc/lock';
import { Queue } from '@multiproc/queue';
import { connect } from '@multiproc/redis';
import { describeRedis, freePort, startRedis, type RedisServer } from './helpers/redis-server.js';

const PASSWORD = `pw-${randomBytes(8).toString('hex')}`;
/** The ACL the README documents: the mp: keys and channels, the commands the backend uses, nothing else. */
const ACL = `user app on >${PASSWORD} resetkeys ~mp:* resetchannels &mp:* -@all +@read +@write +@scripting +@pubsub +@connection +info +time -flushall -flushdb -keys`;

/** A CA and a server certificate for 127.0.0.1, made by openssl in `dir`. */
function certificates(dir: string): { ca: string; cert: string; key: string } {
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-subj', '/CN=multiproc test CA', '-days', '1');
  run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '1', '-extfile', 'san.ext');
  return { ca: join(dir, 'ca.crt'), cert: join(dir, 'server.crt'), key: join(dir, 'server.key') };
}

describeRedis('redis: security', () => {
  let server: RedisServer;
  let dir: string;
  let tlsPort: number;
  let ca: Buffer;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'redis-tls-'));
    const files = certificates(dir);
    ca = readFileSync(files.ca);
    tlsPort = await freePort();
    server = await startRedis({
      tcp: true,
      config: [`tls-port ${tlsPort}`, `tls-cert-file ${files.cert}`, `tls-key-file ${files.key}`, `tls-ca-cert-file ${files.ca}`, 'tls-auth-clients no', ACL, 'user default off'],
    });
  });
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('an ACL user over TLS (rediss://, a CA of its own): the objects work; the password is in no reference or message', async () => {
    const url = `rediss://app:${PASSWORD}@127.0.0.1:${tlsPort}`;
    const a = await connect(url, { namespace: 'sec', tls: { ca } });
    const b = await connect(url, { namespace: 'sec', tls: { ca } });
    try {
      const queue = new Queue<string>({ name: 'q', backend: a });
      await queue.put('over tls');
      assert.equal(await new Queue<string>({ name: 'q', backend: b }).get(), 'over tls');
      const lock = new Lock({ name: 'l', backend: a });
      assert.equal(await lock.acquire(), true);
      await lock.release();
      const ref = JSON.stringify((queue as unknown as { _backend: { ref(): unknown } })._backend.ref());
      assert.doesNotMatch(ref + String(a) + a.server, new RegExp(PASSWORD));
      assert.equal(a.server, `rediss://127.0.0.1:${tlsPort}/0`);
    } finally {
      await a.close();
      await b.close();
    }
  });

  test('a wrong password: ERR_BACKEND_CONFIG; an untrusted certificate: ERR_BACKEND_UNAVAILABLE; no password in either message', async () => {
    const wrong = `wrong-${randomBytes(4).toString('hex')}`;
    for (const [url, options, code] of [
      [`rediss://app:${wrong}@127.0.0.1:${tlsPort}`, { tls: { ca } }, 'ERR_BACKEND_CONFIG'],
      [`redis://app:${wrong}@127.0.0.1:${server.port}`, {}, 'ERR_BACKEND_CONFIG'],
      [`rediss://app:${PASSWORD}@127.0.0.1:${tlsPort}`, {}, 'ERR_BACKEND_UNAVAILABLE'],
    ] as const) {
      await assert.rejects(connect(url, { ...options, connectTimeoutMs: 5000 }), (error: Error & { code?: string }) => {
        assert.equal(error.code, code, error.message);
        assert.doesNotMatch(error.message, new RegExp(`${wrong}|${PASSWORD}`));
        return true;
      });
    }
  });

  test('the ACL keeps the user to its keys: a key outside mp: is refused', async () => {
    const raw = new Redis({ port: server.port, username: 'app', password: PASSWORD, maxRetriesPerRequest: 0 });
    try {
      await assert.rejects(raw.set('other-app:key', 1), /NOPERM/);
      await raw.set('mp:sec:probe', 1);
    } finally {
      raw.disconnect();
    }
  });

  test('payload sealing: values are unreadable in Redis, open with the key, and fail with ERR_PAYLOAD_SEAL with another', async () => {
    const url = `redis://app:${PASSWORD}@127.0.0.1:${server.port}`;
    const key = randomBytes(32);
    const a = await connect(url, { namespace: 'sealed', payloadKey: key });
    const b = await connect(url, { namespace: 'sealed', payloadKey: key.toString('hex') });
    const other = await connect(url, { namespace: 'sealed', payloadKey: randomBytes(32) });
    const raw = new Redis({ port: server.port, username: 'app', password: PASSWORD });
    try {
      await new Queue<{ secret: string }>({ name: 'q', backend: a }).put({ secret: 'the payload' });
      const stored = (await raw.lrangeBuffer('mp:{sealed/queue/q}:items', 0, -1))[0]!;
      assert.ok(!stored.includes(Buffer.from('the payload')), 'not in clear in Redis');
      assert.deepEqual(await new Queue<{ secret: string }>({ name: 'q', backend: b }).get(), { secret: 'the payload' });
      await new Queue<string>({ name: 'q2', backend: a }).put('x');
      await assert.rejects(new Queue<string>({ name: 'q2', backend: other }).get(), { code: 'ERR_PAYLOAD_SEAL' });
    } finally {
      raw.disconnect();
      await Promise.all([a.close(), b.close(), other.close()]);
    }
  });

  test("the worker's boot line names the server without the password", async () => {
    const tasks = new URL('./fixtures/pool-tasks.mjs', import.meta.url).pathname;
    const bin = new URL('../dist/bin.js', import.meta.url).pathname;
    const child = spawn(process.execPath, [bin, '--backend', `redis://app:${PASSWORD}@127.0.0.1:${server.port}`, '--pool', 'p', '--import', tasks, '--processes', '1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk));
    const [line] = (await once(child.stdout!, 'data')) as [Buffer];
    output += line;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
    assert.match(output, new RegExp(`on redis://127\\.0\\.0\\.1:${server.port}/0`));
    assert.doesNotMatch(output, new RegExp(PASSWORD));
  });
});
