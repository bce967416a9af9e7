/**
 * Pipe by message size: messages of 64 B, 1 KiB, 64 KiB and 1 MiB echoed by a
 * child, as round trips (1 in flight) and pipelined (256 in flight), through
 *
 * - our Pipe (`sendBytes` / `recvBytes`, one end passed to a Process child),
 * - Python's `multiprocessing.Pipe` (`send_bytes` / `recv_bytes`, fork; python/pipe_sizes.py),
 * - Node's IPC channel with 'json' serialization (a string of that many characters:
 *   JSON has no bytes) and with 'advanced' serialization (a Buffer),
 * - and the C floor, a socketpair ping-pong (fixtures/socketpair-pingpong.c).
 *
 * The Node children live for the whole bench; Python and C run one process per
 * sample (a fork and a warm-up round trip before the clock starts).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Pipe, type Connection } from '@multiproc/pipe';
import { Process } from '@multiproc/process';
import { compileC, runC } from './lib/c-floor.js';
import { interleave, row, withRatios, type BenchOptions, type Contestant, type Row, type Samples, type Scenario } from './lib/stats.js';
import { runPythonScript, type PythonNotes } from './lib/python.js';

const PIPE_ECHO = new URL('./fixtures/pipe-echo.mjs', import.meta.url);
const IPC_ECHO = fileURLToPath(new URL('./fixtures/ipc-echo.mjs', import.meta.url));
const PYTHON_SCRIPT = fileURLToPath(new URL('./python/pipe_sizes.py', import.meta.url));
const WINDOW = 256;
const KIB = 1024;
const MIB = 1024 * KIB;

/** Per message size: round trips per sample, and pipelined messages per sample. */
interface SizePlan {
  size: number;
  rt: number;
  pl: number;
}

const FULL: { plan: SizePlan[]; reps: number; warmup: number } = {
  plan: [
    { size: 64, rt: 2_000, pl: 20_000 },
    { size: KIB, rt: 2_000, pl: 20_000 },
    { size: 64 * KIB, rt: 500, pl: 1_000 },
    { size: MIB, rt: 40, pl: 64 },
  ],
  reps: 5,
  warmup: 1,
};
const QUICK: typeof FULL = {
  plan: [
    { size: 64, rt: 50, pl: 500 },
    { size: KIB, rt: 50, pl: 500 },
    { size: 64 * KIB, rt: 20, pl: 50 },
    { size: MIB, rt: 4, pl: 8 },
  ],
  reps: 1,
  warmup: 1,
};

const sizeName = (size: number) => (size >= MIB ? `${size / MIB} MiB` : size >= KIB ? `${size / KIB} KiB` : `${size} B`);

/** A Node echo child as the parent sees it: send one payload; each echo calls `onReply` with its length. */
interface Echo {
  name: string;
  ours?: boolean;
  note: string;
  send: (size: number) => void;
  onReply: (length: number) => void;
  close: () => Promise<void>;
}

const exited = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));

/** Node's IPC channel: a string payload for 'json', a Buffer for 'advanced'. */
function ipcEcho(serialization: 'json' | 'advanced'): Echo {
  const child = fork(IPC_ECHO, [], { serialization, execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const payloads = new Map<number, string | Buffer>();
  const payload = (size: number) => {
    let p = payloads.get(size);
    if (!p) payloads.set(size, (p = serialization === 'json' ? 'x'.repeat(size) : Buffer.alloc(size, 7)));
    return p;
  };
  const echo: Echo = {
    name: `Node IPC, serialization '${serialization}'`,
    note: serialization === 'json' ? '`process.send(string)`' : '`process.send(buffer)`',
    send: (size) => void child.send(payload(size)),
    onReply: () => {},
    close: async () => {
      child.disconnect();
      await exited(child);
    },
  };
  child.on('message', (message) => echo.onReply((message as string | Uint8Array).length));
  return echo;
}

/** Our Pipe: one end passed to a Process child that echoes bytes. */
function pipeEcho(): Echo {
  const [mine, theirs] = Pipe<Buffer>();
  const child = new Process({ target: 'echoBytes', module: PIPE_ECHO, args: [theirs], execArgv: [], name: 'bench-pipe-echo' }).start();
  const payloads = new Map<number, Buffer>();
  const echo: Echo = {
    name: 'multiproc Pipe',
    ours: true,
    note: '`conn.sendBytes(buffer)` / `conn.recvBytes()`',
    send: (size) => {
      let p = payloads.get(size);
      if (!p) payloads.set(size, (p = Buffer.alloc(size, 7)));
      void mine.sendBytes(p);
    },
    onReply: () => {},
    close: async () => {
      await mine.close();
      await reading;
      await child.join();
    },
  };
  const reading = readAll(mine, (length) => echo.onReply(length));
  return echo;
}

/** Reads bytes until end of file, calling `onBytes` with each message's length. */
async function readAll(end: Connection<Buffer>, onBytes: (length: number) => void): Promise<void> {
  for (;;) {
    try {
      onBytes((await end.recvBytes()).byteLength);
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_EOF' || (error as { code?: string }).code === 'ERR_CLOSED') return;
      throw error;
    }
  }
}

/** `total` messages of `size` bytes with at most `inFlight` unanswered; ms until the last echo. */
function exchange(echo: Echo, size: number, total: number, inFlight: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let received = 0;
    const t0 = performance.now();
    echo.onReply = (length) => {
      if (length !== size) return reject(new Error(`${echo.name}: an echo of ${length} bytes, expected ${size}`));
      if (++received === total) resolve(performance.now() - t0);
      else if (sent < total) {
        sent++;
        echo.send(size);
      }
    };
    for (; sent < Math.min(inFlight, total); sent++) echo.send(size);
  });
}

/** The heading of this file's section and chart in docs/benchmarks.md. */
export const title = 'Pipe by message size (vs Python, Node IPC, C)';

/** Runs every size's round trips and pipelined exchanges (interleaved rounds); two tables per size. */
export async function run(options: BenchOptions): Promise<Scenario[]> {
  const { plan, reps, warmup } = options.quick ? QUICK : FULL;
  const c = compileC('socketpair-pingpong');
  const python: PythonNotes = {};
  const echoes = [pipeEcho(), ipcEcho('json'), ipcEcho('advanced')];
  const contestants: Contestant[] = [];
  for (const p of plan) {
    contestants.push({ name: `python-${p.size}`, run: () => runPythonScript(PYTHON_SCRIPT, ['--size', p.size, '--rt', p.rt, '--pl', p.pl, '--window', WINDOW], python) });
    for (const echo of echoes) {
      contestants.push({
        name: `${echo.name}-${p.size}`,
        run: async () => ({
          usPerRoundTrip: ((await exchange(echo, p.size, p.rt, 1)) * 1000) / p.rt,
          perSecond: p.pl / ((await exchange(echo, p.size, p.pl, WINDOW)) / 1000),
        }),
      });
    }
    contestants.push({ name: `c-${p.size}`, run: () => runC(c, [p.size, p.rt, p.pl, WINDOW]) });
  }
  try {
    options.log(`pipe-sizes: ${reps} interleaved rounds (+${warmup} warm-up) of ${contestants.length} contestants: ${plan.map((p) => `${sizeName(p.size)} ×${p.rt}/${p.pl}`).join(', ')}`);
    const samples = await interleave(contestants, { warmup, reps, onRound: (r) => options.log(`  round ${r}/${reps}`) });
    return plan.flatMap((p) => scenarios(samples, p, echoes, { python, c: c.skipped }));
  } finally {
    for (const echo of echoes) await echo.close();
  }
}

function scenarios(s: Samples, p: SizePlan, echoes: Echo[], skipped: { python: PythonNotes; c: string | undefined }): Scenario[] {
  const pythonName = `Python ${skipped.python.python ?? '3'} Pipe`;
  const cName = 'C: socketpair, fork, one write() per message';
  const bulk = p.size >= 64 * KIB;
  const rowsOf = (metric: string, scale: (v: number) => number): Row[] => {
    const rowFor = (contestant: string, name: string, extra: Partial<Row>) => {
      const values = s[contestant]?.[metric];
      return values?.length ? [row(name, values.map(scale), extra)] : [];
    };
    return [
      ...rowFor(`python-${p.size}`, pythonName, { note: '`send_bytes(b)` / `recv_bytes()`, fork' }),
      ...echoes.flatMap((e) => rowFor(`${e.name}-${p.size}`, e.name, { note: e.note, ours: e.ours })),
      ...rowFor(`c-${p.size}`, cName, { note: 'fixtures/socketpair-pingpong.c, `cc -O2`' }),
    ];
  };
  const reference = skipped.python.skipped ? echoes[1]!.name : pythonName;
  const notes = [
    `A payload of ${sizeName(p.size)} echoed by a child: bytes for our Pipe, Python, 'advanced' IPC and C; a string of ${p.size} characters for 'json' IPC, which has no bytes.`,
    'Our rows poll for the reply for up to 100 µs after each write instead of sleeping (busy polling, wire\'s `BusyPoll`; docs/design-notes.md); the other rows, C\'s included, sleep until the reply wakes them, which on this virtual machine costs more than the rest of a round trip.',
    ...(skipped.python.skipped ? [skipped.python.skipped] : []),
    ...(skipped.c ? [skipped.c] : []),
  ];
  const perSecond = bulk ? (v: number) => (v * p.size) / MIB : (v: number) => v;
  return [
    withRatios({
      id: `pipe-rt-${p.size}`,
      title: `Pipe round trip, ${sizeName(p.size)} messages, 1 in flight (${p.rt.toLocaleString('en-US')} per sample)`,
      unit: 'µs per round trip',
      better: 'lower',
      reference,
      rows: rowsOf('usPerRoundTrip', (v) => v),
      notes,
    }),
    withRatios({
      id: `pipe-pipelined-${p.size}`,
      title: `Pipe pipelined, ${sizeName(p.size)} messages, ${WINDOW} in flight (${p.pl.toLocaleString('en-US')} per sample)`,
      unit: bulk ? 'MiB per second, each way' : 'round trips per second',
      better: 'higher',
      reference,
      rows: rowsOf('perSecond', perSecond),
      notes: [
        ...notes,
        `Python keeps its window with a sender thread (the main thread receives); C with a poll() loop on a non-blocking socket.${p.pl < WINDOW ? ` With ${p.pl} messages per sample, all of them are in flight at once.` : ''}`,
      ],
    }),
  ];
}
