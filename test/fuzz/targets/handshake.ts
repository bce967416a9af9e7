// The owner's side of the handshake against a hostile peer: answers that are random, cut short, padded, or a real
// answer (made with the right or a wrong secret) with bytes changed. Promise: only an unchanged answer made with the
// right secret is accepted; everything else is refused with ERR_AUTH (and the connection then dropped), never
// another error, and no answer holds the owner up past the handshake's timeout.
import { createHmac, randomBytes } from 'node:crypto';
import { mutateBytes } from '../mutate.js';
import type { Random } from '../random.js';
import { SocketPairs } from '../socket-pair.js';
import { hex, outcomeOf, tally, type Budget, type Target, type TargetReport } from '../target.js';
import { acceptHandshake } from '../../../packages/wire/src/runtime/handshake.js';

const secret = randomBytes(32);
const wrong = randomBytes(32);

/** The peer's answer to `challenge` (version ‖ nonceA) for owner `ownerPid`, as runtime/handshake.ts documents it. */
function answer(key: Uint8Array, challenge: Buffer, peerPid: number, ownerPid: number): Buffer {
  const transcript = Buffer.alloc(73);
  challenge.copy(transcript, 0, 0, 33);
  randomBytes(32).copy(transcript, 33);
  transcript.writeUInt32BE(peerPid, 65);
  transcript.writeUInt32BE(ownerPid, 69);
  const out = Buffer.alloc(68);
  createHmac('sha256', key).update('peer').update(transcript).digest().copy(out, 0);
  transcript.copy(out, 32, 33, 69);
  return out;
}

export const handshake: Target = {
  name: 'handshake',
  async run(random: Random, budget: Budget): Promise<TargetReport> {
    const findings: TargetReport['findings'] = [];
    const outcomes: Record<string, number> = {};
    const pairs = new SocketPairs();
    let inputs = 0;
    try {
      while (inputs < budget.maxInputs && Date.now() < budget.until) {
        inputs++;
        const [client, remote] = await pairs.pair();
        client.on('error', () => {});
        remote.on('error', () => {});
        const accepted = acceptHandshake(remote, secret).then(
          () => 'accepted',
          (error: unknown) => outcomeOf(error),
        );
        const challenge = await new Promise<Buffer>((resolve) => client.once('data', resolve));
        const honest = answer(random.chance(0.8) ? secret : wrong, challenge, process.pid, process.pid);
        let sent: Buffer;
        const kind = random.int(4);
        if (kind === 0) sent = honest;
        else if (kind === 1) sent = mutateBytes(random, honest);
        else if (kind === 2) sent = random.bytes(random.size(200));
        else sent = Buffer.concat([honest, random.bytes(1 + random.size(64))]); // frames right after the answer
        client.write(sent);
        // Short answers wait for more: the peer leaves, as a hostile one would (else the 10 s timeout ends it).
        if (sent.length < 68) client.end();
        const outcome = await accepted;
        tally(outcomes, outcome);
        // Valid: its first 68 bytes verify under the secret (what follows them is the connection's first frames).
        const rightKeyUnchanged = sent.length >= 68 && honestMadeWith(secret, challenge, sent.subarray(0, 68));
        if (outcome === 'accepted' ? !rightKeyUnchanged : outcome !== 'ERR_AUTH') {
          findings.push({ target: 'handshake', input: inputs, problem: `${outcome} for ${rightKeyUnchanged ? 'a valid' : 'an invalid'} answer (kind ${kind})`, bytes: hex(sent) });
        }
        client.destroy();
        remote.destroy();
      }
    } finally {
      pairs.close();
    }
    return { target: 'handshake', inputs, findings, figures: { outcomes } };
  },
};

/** Whether `answer` verifies under `key` (recomputed from its own nonce and pids). */
function honestMadeWith(key: Uint8Array, challenge: Buffer, answerBytes: Buffer): boolean {
  const transcript = Buffer.alloc(73);
  challenge.copy(transcript, 0, 0, 33);
  answerBytes.copy(transcript, 33, 32, 68);
  transcript.writeUInt32BE(process.pid, 69);
  return createHmac('sha256', key).update('peer').update(transcript).digest().equals(answerBytes.subarray(0, 32));
}
