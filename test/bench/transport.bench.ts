/**
 * Transport: round-trip latency (1 in flight) and pipelined throughput (256 in
 * flight) of a small message echoed by a child, over Node's IPC channel
 * ('json' and 'advanced' serialization) and over our Channel on a pipe, with
 * raw bytes over the same pipe, and a C socketpair ping-pong, as the floors.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Channel } from '@multiproc/wire';
import { compileC, runC } from './lib/c-floor.js';
import { interleave, row, withRatios, type BenchOptions, type Contestant, type Scenario } from './lib/stats.js';

interface Message {
  id: number;
  name: string;
  args: number[];
}

/** A parent's end of an echo child. */
interface Link {
  name: string;
  /** Ours (highlighted in the charts). */
  ours?: boolean;
  send: (message: Message) => void;
  /** Where echoed messages go. */
  onMessage: (message: Message) => void;
  close: () => Promise<void>;
}

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const exited = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));

function ipcLink(name: string, serialization: 'json' | 'advanced'): Link {
  const child = fork(fixture('ipc-echo.mjs'), [], { serialization, execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const link: Link = {
    name,
    send: (message) => child.send(message),
    onMessage: () => {},
    close: async () => {
      child.disconnect();
      await exited(child);
    },
  };
  child.on('message', (message) => link.onMessage(message as Message));
  return link;
}

function channelLink(name: string): Link {
  const child = fork(fixture('channel-echo.mjs'), [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc', 'pipe'] });
  const channel = new Channel<Message, Message>(child.stdio[4] as Socket, {
    name: 'bench channel',
    onMessage: (message) => link.onMessage(message),
  });
  const link: Link = {
    name,
    ours: true,
    send: (message) => void channel.send(message),
    onMessage: () => {},
    close: async () => {
      await channel.close();
      child.disconnect();
      await exited(child);
    },
  };
  return link;
}

/** The floor: fixed 20-byte records (the id, then padding) echoed as raw bytes over the same kind of pipe. */
function byteLink(name: string): Link {
  const RECORD = 20;
  const child = fork(fixture('byte-echo.mjs'), [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc', 'pipe'] });
  const socket = child.stdio[4] as Socket;
  let pending: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    let offset = 0;
    for (; offset + RECORD <= pending.length; offset += RECORD) {
      link.onMessage({ id: pending.readUInt32BE(offset), name: 'x', args: [1, 2, 3] });
    }
    pending = pending.subarray(offset);
  });
  const link: Link = {
    name,
    send: (message) => {
      const record = Buffer.alloc(RECORD);
      record.writeUInt32BE(message.id);
      socket.write(record);
    },
    onMessage: () => {},
    close: async () => {
      socket.end();
      child.disconnect();
      await exited(child);
    },
  };
  return link;
}

/** Sends `total` messages keeping `inFlight` unanswered; resolves with the elapsed ms once all are echoed back in order. */
function roundTrips(link: Link, total: number, inFlight: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let received = 0;
    const next = () => link.send({ id: sent++, name: 'x', args: [1, 2, 3] });
    const t0 = performance.now();
    link.onMessage = (message) => {
      if (message.id !== received || message.args[2] !== 3) {
        reject(new Error(`${link.name}: expected echo ${received}, got ${JSON.stringify(message)}`));
        return;
      }
      received++;
      if (received === total) resolve(performance.now() - t0);
      else if (sent < total) next();
    };
    while (sent < Math.min(inFlight, total)) next();
  });
}

/** The heading of this file's section and chart in docs/benchmarks.md. */
export const title = 'Transport (vs Node IPC, raw bytes, C)';

export async function run(options: BenchOptions): Promise<Scenario[]> {
  const sizes = options.quick ? { latency: 500, throughput: 5_000, reps: 3 } : { latency: 5_000, throughput: 50_000, reps: 10 };
  const links = [
    ipcLink("Node IPC, serialization 'json'", 'json'),
    ipcLink("Node IPC, serialization 'advanced'", 'advanced'),
    channelLink('@multiproc/wire Channel over a pipe'),
    byteLink('raw bytes over a pipe: 20-byte records, no encoding, one write each'),
  ];
  const pingpong = compileC('socketpair-pingpong');
  const cName = 'C: socketpair, fork, 20-byte messages, one write() each';
  try {
    const contestants: Contestant[] = links.map((link) => ({
      name: link.name,
      run: async () => ({
        latencyUs: ((await roundTrips(link, sizes.latency, 1)) * 1000) / sizes.latency,
        perSecond: sizes.throughput / ((await roundTrips(link, sizes.throughput, 256)) / 1000),
      }),
    }));
    contestants.push({
      name: cName,
      run: (): Record<string, number> => {
        const c = runC(pingpong, [20, sizes.latency, sizes.throughput, 256]);
        return c.usPerRoundTrip === undefined ? {} : { latencyUs: c.usPerRoundTrip, perSecond: c.perSecond! };
      },
    });
    options.log(`transport: ${sizes.reps} interleaved rounds of ${sizes.latency} round trips (1 in flight) and ${sizes.throughput} messages (256 in flight)`);
    const samples = await interleave(contestants, { warmup: 1, reps: sizes.reps, onRound: (r) => options.log(`  round ${r}/${sizes.reps}`) });
    const cRow = (metric: string) => {
      const values = samples[cName]?.[metric];
      return values?.length ? [row(cName, values, { note: 'fixtures/socketpair-pingpong.c, `cc -O2`' })] : [];
    };
    const rows = (metric: string) => [...links.map((link) => row(link.name, samples[link.name]![metric]!, { ours: link.ours })), ...cRow(metric)];
    const cNotes = pingpong.skipped ? [pingpong.skipped] : [];
    const message = 'a small message `{ id, name: \'x\', args: [1, 2, 3] }` echoed by a child';
    const earlier = (figures: string) => `Measured earlier on this machine (not side by side with this run): ${figures}.`;
    return [
      withRatios({
        id: 'transport-latency',
        title: `Transport: round-trip latency, 1 in flight (${sizes.latency} round trips per sample)`,
        unit: 'µs per round trip',
        better: 'lower',
        reference: links[0]!.name,
        rows: rows('latencyUs'),
        notes: [
          `Payload: ${message}.`,
          'On this shared 2-core machine latency is bimodal: a sample taken while both cores are free is 4–5× faster than one taken while other work holds a core ' +
            '(then waking the peer process dominates). The min column is the quiet-machine figure; compare it as well as the median.',
          'Our rows poll for the reply for up to 100 µs after each write instead of sleeping (busy polling, wire\'s `BusyPoll`; docs/design-notes.md); the other rows, C\'s included, sleep until the reply wakes them, which on this virtual machine costs more than the rest of a round trip.',
          earlier('IPC json 79 µs, IPC advanced 95 µs, a naive msgpack pipe 79 µs'),
          ...cNotes,
        ],
      }),
      withRatios({
        id: 'transport-throughput',
        title: `Transport: pipelined throughput, 256 in flight (${sizes.throughput} messages per sample)`,
        unit: 'round trips per second',
        better: 'higher',
        reference: links[0]!.name,
        rows: rows('perSecond'),
        notes: [
          `Payload: ${message}.`,
          'The raw-bytes and C rows are floors for one write() per message; with many in flight our Channel writes all the sends of one tick at once, which they do not, so it can pass them.',
          earlier('IPC json 131k/s, IPC advanced 46k/s, a naive msgpack pipe 182k/s'),
          ...cNotes,
        ],
      }),
    ];
  } finally {
    await Promise.all(links.map((link) => link.close()));
  }
}
