/**
 * A private redis-server for one test file: its own directory, a Unix socket (or a free loopback port), no
 * persistence, `maxmemory-policy noeviction`; stopped (and its directory removed) by `stop()` or when the test
 * process exits.
 *
 * Where no redis-server is installed, {@link redisServerBinary} is undefined and {@link describeRedis} registers one
 * skipped test that says so loudly, with the one command that fixes it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

/** The command that installs the server on Debian and Ubuntu (what `.ci/run` does). */
export const INSTALL_COMMAND = 'apt-get update && apt-get install -y redis-server';

/** The redis-server on PATH (or REDIS_SERVER), if any. */
export const redisServerBinary: string | undefined = (() => {
  const candidate = process.env.REDIS_SERVER ?? 'redis-server';
  const probe = spawnSync(candidate, ['--version'], { encoding: 'utf8' });
  return probe.status === 0 ? candidate : undefined;
})();

/** A running private server. */
export interface RedisServer {
  /** Its URL: `unix:///…/redis.sock` or `redis://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number | undefined;
  readonly socket: string;
  readonly dir: string;
  readonly pid: number;
  /** Stops it (SIGKILL if it does not stop at once) and removes its directory. */
  stop(): Promise<void>;
  /** Starts it again on the same address, empty (after a SHUTDOWN NOSAVE or a kill). */
  restart(): Promise<void>;
}

/** Options of {@link startRedis}. */
export interface StartOptions {
  /** Listen on a free loopback port too (the URL is then redis://). @default false */
  tcp?: boolean;
  /** Lines added to its config file. */
  config?: string[];
  /** Host to bind when tcp (e.g. a network namespace's address). @default 127.0.0.1 */
  bind?: string;
}

/** A free TCP port on loopback (the kernel's choice; another process could take it before redis does, rarely). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts a private server; resolves once it answers. */
export async function startRedis(options: StartOptions = {}): Promise<RedisServer> {
  if (!redisServerBinary) throw new Error(`redis-server is not installed: ${INSTALL_COMMAND}`);
  const dir = mkdtempSync(join(tmpdir(), 'multiproc-redis-'));
  const socket = join(dir, 'redis.sock');
  const port = options.tcp ? await freePort(options.bind) : undefined;
  const config = [
    `port ${port ?? 0}`,
    `bind ${options.bind ?? '127.0.0.1'}`,
    `unixsocket ${socket}`,
    'unixsocketperm 700',
    `dir ${dir}`,
    'save ""',
    'appendonly no',
    'maxmemory-policy noeviction',
    'daemonize no',
    'loglevel warning',
    `logfile ${join(dir, 'redis.log')}`,
    ...(options.config ?? []),
  ];
  writeFileSync(join(dir, 'redis.conf'), config.join('\n') + '\n');
  let child: ChildProcess | undefined;
  let serverPid = 0;
  const kill = () => {
    try {
      if (serverPid) process.kill(serverPid, 'SIGKILL');
    } catch {
      // already gone
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const launch = async () => {
    // Through a small shell that kills the server when its stdin closes: if this test process dies (killed by the
    // runner, a crash), the server dies with it instead of running on. It prints the server's pid first.
    child = spawn('sh', ['-c', WATCHDOG, redisServerBinary!, join(dir, 'redis.conf')], { stdio: ['pipe', 'pipe', 'ignore'] });
    child.stdout!.setEncoding('utf8');
    const [line] = (await once(child.stdout!, 'data')) as [string];
    serverPid = Number.parseInt(line, 10);
    await waitForPing(socket, child);
    // A test file that forgets stop() can still exit; its server then dies with the watchdog's stdin.
    child.unref();
    for (const stream of [child.stdin, child.stdout] as unknown as Array<{ unref?: () => void }>) stream.unref?.();
  };
  process.once('exit', kill);
  await launch();
  const server: RedisServer = {
    url: port ? `redis://127.0.0.1:${port}` : `unix://${socket}`,
    port,
    socket,
    dir,
    get pid() {
      return serverPid;
    },
    async stop() {
      process.removeListener('exit', kill);
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
    async restart() {
      await stopChild(child);
      await launch();
    },
  };
  return server;
}

/** The watchdog shell: starts the server, prints its pid, and kills it when stdin closes (or on SIGTERM/SIGKILL of the shell's parent). */
const WATCHDOG = '"$0" "$1" & pid=$!; echo $pid; cat >/dev/null; kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null; exit 0';

/** Stops the server: closes the watchdog's stdin (it kills the server and waits for it), then waits for the watchdog. */
async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.ref();
  child.stdin!.end();
  await exited;
}

/** Waits until the server answers on its socket (it listens a few ms after it starts). */
async function waitForPing(socket: string, child: ChildProcess): Promise<void> {
  const { createConnection } = await import('node:net');
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server (its watchdog) exited with code ${child.exitCode} at start`);
    const ok = await new Promise<boolean>((resolve) => {
      const conn = createConnection(socket);
      conn.once('error', () => resolve(false));
      conn.once('connect', () => conn.write('PING\r\n'));
      conn.once('data', (data) => {
        conn.destroy();
        // Any answer but LOADING: a server whose default user is off answers NOAUTH, and is up.
        resolve(!data.toString().startsWith('-LOADING'));
      });
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error('redis-server did not answer PING within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Runs `body` (which defines tests) when redis-server is installed; otherwise registers one skipped test named
 * after the suite, and prints a banner saying which suite did not run and how to install the server.
 */
export function describeRedis(suite: string, body: () => void): void {
  if (redisServerBinary) {
    body();
    return;
  }
  const message = `NOT RUN: ${suite} needs redis-server, which is not installed. Fix: ${INSTALL_COMMAND}`;
  process.stderr.write(`\n${'!'.repeat(100)}\n!!! ${message}\n${'!'.repeat(100)}\n\n`);
  test(`${suite} (redis-server not installed)`, (t) => t.skip(message));
}
