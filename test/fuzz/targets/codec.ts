// The codec's decoder, byte by byte: valid encodings of hostile values, mutated, and raw msgpack with extension types
// of multiproc's own (passables, control frames) holding made-up contents. Promise: a value, or ERR_FRAME_DECODE,
// never another error, and no input takes long.
import { Codec } from '@multiproc/wire';
import { mutateBytes } from '../mutate.js';
import type { Random } from '../random.js';
import { hex, outcomeOf, tally, type Budget, type Target, type TargetReport } from '../target.js';
import { hostileValue, rawMsgpack } from '../values.js';

/**
 * An input whose decode takes more CPU time than this is reported. CPU time, not the clock's: a fuzzer run under
 * nice -n 19 on a busy machine waits for the CPU far longer than that (a long run reported 407 inputs 'slow' by the
 * clock that decode in under 1 ms; the one real find, JSON of a large value in msgpackr's error, is fixed in Codec).
 */
const SLOW_MS = 100;

export const codec: Target = {
  name: 'codec',
  async run(random: Random, budget: Budget): Promise<TargetReport> {
    const findings: TargetReport['findings'] = [];
    const outcomes: Record<string, number> = {};
    let inputs = 0;
    let slowest = 0;
    // One encoder and one decoder for the run, as the two ends of a stream (record structures carry over).
    const encoder = new Codec();
    let decoder = new Codec();
    let previous = Buffer.alloc(0);
    while (inputs < budget.maxInputs && (inputs % 256 !== 0 || Date.now() < budget.until)) {
      inputs++;
      let bytes: Buffer;
      if (random.chance(0.3)) {
        bytes = rawMsgpack(random);
      } else {
        try {
          bytes = Buffer.from(encoder.encode(hostileValue(random)));
        } catch {
          bytes = random.bytes(random.size(64));
        }
        if (random.chance(0.6)) bytes = mutateBytes(random, bytes, previous);
      }
      previous = bytes;
      const started = process.cpuUsage();
      let outcome = 'ok';
      try {
        decoder.decode(bytes, 'fuzz');
      } catch (error) {
        outcome = outcomeOf(error);
      }
      const spent = process.cpuUsage(started);
      const ms = (spent.user + spent.system) / 1000;
      slowest = Math.max(slowest, ms);
      tally(outcomes, outcome);
      if (outcome !== 'ok' && outcome !== 'ERR_FRAME_DECODE') {
        findings.push({ target: 'codec', input: inputs, problem: `decode threw ${outcome}`, bytes: hex(bytes) });
      }
      if (ms > SLOW_MS) findings.push({ target: 'codec', input: inputs, problem: `decode took ${ms.toFixed(0)} ms of CPU`, bytes: hex(bytes) });
      // A stream whose decoder broke starts again (as a channel closes and a new one starts).
      if (outcome !== 'ok' && random.chance(0.5)) decoder = new Codec();
    }
    return { target: 'codec', inputs, findings, figures: { outcomes, slowestCpuMs: Math.round(slowest) } };
  },
};
