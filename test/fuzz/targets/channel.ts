// A Channel over a real socket, fed frames by a hostile peer: valid messages, mutated ones, control frames (module
// imports, codec resets, bulk-ring frames) with made-up contents, lying length prefixes. Promises: the channel
// delivers decoded messages or closes with a coded error (never throws out of its socket's events, never an uncoded
// error), and a closed channel lets go of everything.
import { Channel, Codec } from '@multiproc/wire';
import { mutateBytes } from '../mutate.js';
import type { Random } from '../random.js';
import { SocketPairs } from '../socket-pair.js';
import { hex, outcomeOf, tally, type Budget, type Target, type TargetReport } from '../target.js';
import { ext, frame, hostileValue, rawMsgpack, str } from '../values.js';

/** Extension types of the wire's control frames: bulk ring (13), codec reset (14), required modules (15). */
const CONTROL = [13, 14, 15];

/** One hostile frame's payload. */
function hostileFrame(random: Random, encoder: Codec, previous: Buffer): Buffer {
  const encode = (value: unknown) => {
    try {
      return Buffer.from(encoder.encode(value));
    } catch {
      return Buffer.from(encoder.encode(null)); // (a value the codec refuses: ERR_ENCODE at the sender, nothing to send)
    }
  };
  switch (random.int(6)) {
    case 0:
      return encode(hostileValue(random));
    case 1:
      return mutateBytes(random, encode(hostileValue(random)), previous);
    case 2: {
      // A control frame with made-up contents.
      const type = random.pick(CONTROL);
      if (type === 15) {
        const urls = Array.from({ length: 1 + random.int(3) }, () =>
          str(random.pick(['file:///etc/passwd', 'file:///nonexistent.mjs', 'data:text/javascript,1', 'node:fs', 'file:///dev/zero', 'file:///tmp/../etc/shadow'])),
        );
        return ext(15, Buffer.concat([Buffer.from([0x90 | urls.length]), ...urls]));
      }
      if (type === 13) {
        const kind = random.int(5);
        const fields = [Buffer.from([kind]), random.chance(0.5) ? str(random.pick(['/dev/shm/multiproc-bulk-1-x/ring', '/etc/passwd', '/dev/shm'])) : rawMsgpack(random), rawMsgpack(random)];
        return ext(13, Buffer.concat([Buffer.from([0x90 | (1 + random.int(3))]), ...fields.slice(0, 1 + random.int(3))]));
      }
      return ext(14, rawMsgpack(random));
    }
    case 3:
      return rawMsgpack(random);
    case 4:
      return random.bytes(random.size(100));
    default:
      return mutateBytes(random, previous, undefined);
  }
}

export const channel: Target = {
  name: 'channel',
  async run(random: Random, budget: Budget): Promise<TargetReport> {
    const findings: TargetReport['findings'] = [];
    const closes: Record<string, number> = {};
    const pairs = new SocketPairs();
    let inputs = 0;
    let messages = 0;
    let channels = 0;
    let previous = Buffer.alloc(0);
    const rss: number[] = [];
    try {
      while (inputs < budget.maxInputs && Date.now() < budget.until) {
        const [client, remote] = await pairs.pair();
        channels++;
        client.on('error', () => {});
        let sent: Buffer[] = [];
        const closed = new Promise<Error | undefined>((resolve) => {
          new Channel(remote, { name: 'fuzz', onMessage: () => void messages++, onClose: resolve, trustedImportsOnly: true, maxFrameBytes: 1024 * 1024 });
        });
        const encoder = new Codec();
        // A session: frames until the channel closes (or 200 of them), then the peer goes.
        let open = true;
        void closed.then(() => (open = false));
        for (let n = 0; open && n < 200 && inputs < budget.maxInputs; n++) {
          inputs++;
          const payload = hostileFrame(random, encoder, previous);
          previous = payload;
          let bytes = frame(payload);
          if (random.chance(0.05)) bytes = mutateBytes(random, bytes); // the length prefix too
          sent.push(bytes);
          if (sent.length > 8) sent = sent.slice(-8);
          if (!client.write(bytes)) await new Promise((resolve) => client.once('drain', resolve).once('close', resolve));
          if (n % 16 === 0) await new Promise((resolve) => setImmediate(resolve));
        }
        if (random.chance(0.5)) client.end();
        else client.destroy();
        let timer: NodeJS.Timeout | undefined;
        const error = await Promise.race([closed, new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), 10_000)))]);
        clearTimeout(timer);
        const outcome = error === 'hung' ? 'hung' : error === undefined ? 'clean' : outcomeOf(error);
        tally(closes, outcome);
        if (outcome === 'hung' || outcome.startsWith('uncoded')) {
          findings.push({ target: 'channel', input: inputs, problem: `the channel ${outcome === 'hung' ? 'did not close within 10 s of its peer leaving' : `closed with ${outcome}: ${String((error as Error).message).slice(0, 300)}`}`, bytes: hex(Buffer.concat(sent)) });
        }
        remote.destroy();
        if (channels % 50 === 0) rss.push(Math.round(process.memoryUsage.rss() / 1e6));
      }
    } finally {
      pairs.close();
    }
    return { target: 'channel', inputs, findings, figures: { channels, messagesDelivered: messages, closes, rssMB: rss.length > 20 ? sample(rss, 20) : rss } };
  },
};

/** `n` evenly spaced items of `list`, the last included. */
export function sample<T>(list: T[], n: number): T[] {
  return Array.from({ length: n }, (_, i) => list[Math.round((i * (list.length - 1)) / (n - 1))]!);
}
