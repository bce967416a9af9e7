// The pure parts of @multiproc/redis, without a server: URLs, the key layout, sealing, the server check, the worker's
// command line, portable function names, the items of a wake-up message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { connectionOptions, parseServerUrl } from '../src/server-address.js';
import { familyOfTag, objectKeys, scriptKeys } from '../src/keys.js';
import { openValue, sealKey, sealValue } from '../src/seal.js';
import { checkServer, parseInfo } from '../src/server-check.js';
import { parseWorkerArgs } from '../src/cli/worker-args.js';
import { AllowedModules, portableFunction, portableModuleName } from '../src/pool/portable-function.js';
import { readFramedItems } from '../src/queue/framed-items.js';

test('a URL: credentials are used, never shown', () => {
  const a = parseServerUrl('redis://app:s%40cret@10.0.0.5:6380/2');
  assert.deepEqual([a.host, a.port, a.db, a.username, a.password, a.tls], ['10.0.0.5', 6380, 2, 'app', 's@cret', false]);
  assert.equal(a.description, 'redis://10.0.0.5:6380/2');
  assert.equal(parseServerUrl('rediss://h').description, 'rediss://h:6379/0');
  assert.equal((connectionOptions(parseServerUrl('rediss://h'), undefined).tls as { servername: string }).servername, 'h');
  assert.equal((connectionOptions(parseServerUrl('rediss://127.0.0.1'), undefined).tls as { servername?: string }).servername, undefined);
  const u = parseServerUrl('unix:///run/redis.sock?db=3');
  assert.deepEqual([u.path, u.db, u.description], ['/run/redis.sock', 3, 'unix:///run/redis.sock?db=3']);
  for (const bad of ['http://h', 'not a url', 'redis://h/x', 'redis://user:topsecret@h/-1']) {
    assert.throws(() => parseServerUrl(bad), (e: Error & { code?: string }) => e.code === 'ERR_BACKEND_CONFIG' && !e.message.includes('topsecret'));
  }
});

test("an object's keys share one hash tag; its family is read back from the tag", () => {
  const keys = objectKeys('etl', 'queue', 'jobs');
  assert.equal(keys.tag, '{etl/queue/jobs}');
  assert.deepEqual(scriptKeys('queue', keys.tag), ['mp:{etl/queue/jobs}:meta', 'mp:{etl/queue/jobs}:items', 'mp:{etl/queue/jobs}:waiters']);
  assert.equal(familyOfTag(objectKeys('etl', 'lock', 'a/b}c').tag), 'lock');
});

test('sealing: opens with the same key and object, not with another key, object, or altered bytes', () => {
  const key = sealKey(randomBytes(32).toString('hex'));
  const sealed = sealValue(key, Buffer.from('payload'), '{ns/queue/a}');
  assert.equal(openValue(key, sealed, '{ns/queue/a}').toString(), 'payload');
  const fails = (f: () => unknown) => assert.throws(f, { code: 'ERR_PAYLOAD_SEAL' });
  fails(() => openValue(key, sealed, '{ns/queue/b}'));
  fails(() => openValue(sealKey(randomBytes(32)), sealed, '{ns/queue/a}'));
  const altered = Buffer.from(sealed);
  altered[20] ^= 1;
  fails(() => openValue(key, altered, '{ns/queue/a}'));
  fails(() => openValue(key, Buffer.from('plain msgpack'), '{ns/queue/a}'));
  assert.throws(() => sealKey('too short'), { code: 'ERR_BACKEND_CONFIG' });
});

test('the server check: Redis ≥ 6.2 or Valkey ≥ 7.2, with noeviction', () => {
  const ok = parseInfo('redis_version:7.0.15\r\nmaxmemory_policy:noeviction\r\n');
  assert.deepEqual(ok, { product: 'redis', version: '7.0.15', evictionPolicy: 'noeviction' });
  checkServer(ok, 'x');
  checkServer(parseInfo('redis_version:7.2.4\nvalkey_version:8.0.1\nmaxmemory_policy:noeviction\n'), 'x');
  assert.throws(() => checkServer(parseInfo('redis_version:6.0.9\nmaxmemory_policy:noeviction\n'), 'x'), { code: 'ERR_BACKEND_CONFIG' });
  assert.throws(() => checkServer(parseInfo('redis_version:7.0.0\nmaxmemory_policy:allkeys-lru\n'), 'x'), /noeviction/);
});

test("the worker's command line", () => {
  const args = parseWorkerArgs(['--pool', 'etl', '--import', './dist/tasks.js', '--import', '/abs/b.js', '--processes', '8'], { MULTIPROC_BACKEND: 'redis://h', MULTIPROC_NAMESPACE: 'etl' }, '/app');
  assert.deepEqual(args, { backend: 'redis://h', namespace: 'etl', pool: 'etl', modules: ['/app/dist/tasks.js', '/abs/b.js'], processes: 8, livenessTtlMs: undefined });
  for (const bad of [['--pool', 'p', '--import', 'a.js'], ['--backend', 'redis://h', '--import', 'a.js'], ['--backend', 'redis://h', '--pool', 'p'], ['--backend', 'redis://h', '--pool', 'p', '--import', 'a', '--processes', '0'], ['--nope']]) {
    assert.throws(() => parseWorkerArgs(bad, {}, '/app'), { code: 'ERR_INVALID_ARGUMENT' });
  }
});

test('functions are named by package and path; an agent finds only its own modules', async () => {
  const file = fileURLToPath(new URL('./fixtures/pool-tasks.mjs', import.meta.url));
  assert.equal(portableModuleName(file), '@multiproc/redis:test/fixtures/pool-tasks.mjs');
  const fn = portableFunction({ name: 'square', candidates: [{ module: `file://${file}`, exportName: 'square' }], source: undefined, callerModule: undefined }, 'Pool.apply()');
  const allowed = new AllowedModules([file]);
  assert.equal(allowed.find(fn)?.exportName, 'square');
  assert.equal(new AllowedModules([fileURLToPath(new URL('./fixtures/redis-children.mjs', import.meta.url))]).find(fn), undefined);
  await allowed.load();
  const { square } = (await import(file)) as { square: (x: number) => number };
  assert.equal(allowed.find({ name: 'square', candidates: [], source: String(square) })?.exportName, 'square');
  assert.equal(allowed.find({ name: 'square', candidates: [], source: 'function square(x) { return process.exit(1); }' }), undefined);
  assert.throws(() => portableFunction({ name: '', candidates: [], source: '() => 1', callerModule: undefined }, 'Pool.apply()'), { code: 'ERR_INVALID_ARGUMENT' });
});

test('items in a wake-up message', () => {
  const body = Buffer.concat([Buffer.from('i'), Buffer.from([0, 0, 0, 2]), Buffer.from('ab'), Buffer.from([0, 0, 0, 0])]);
  assert.deepEqual(readFramedItems(body, 1).map(String), ['ab', '']);
});
