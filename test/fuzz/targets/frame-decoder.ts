// The frame decoder, byte by byte: mutated streams of frames in random chunks, through both feeding paths (push, and
// readBuffer/wrote). Promises: it hands out exactly the frames a plain reference parser finds, in order, until it
// refuses a length over the limit (ERR_FRAME_TOO_LARGE); end() in the middle of a frame is ERR_FRAME_TRUNCATED;
// nothing else is ever thrown.
import { FrameDecoder } from '@multiproc/wire';
import { mutateBytes } from '../mutate.js';
import type { Random } from '../random.js';
import { hex, outcomeOf, tally, type Budget, type Target, type TargetReport } from '../target.js';
import { frame } from '../values.js';

const LIMIT = 256 * 1024;

/** The frames a plain parser finds in `stream`, and how it ends. */
function reference(stream: Buffer): { frames: Buffer[]; end: 'clean' | 'truncated' | 'too-large' } {
  const frames: Buffer[] = [];
  let at = 0;
  while (stream.length - at >= 4) {
    const length = stream.readUInt32BE(at);
    if (length > LIMIT) return { frames, end: 'too-large' };
    if (stream.length - at - 4 < length) return { frames, end: 'truncated' };
    frames.push(stream.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  return { frames, end: at === stream.length ? 'clean' : 'truncated' };
}

export const frameDecoder: Target = {
  name: 'frame-decoder',
  async run(random: Random, budget: Budget): Promise<TargetReport> {
    const findings: TargetReport['findings'] = [];
    const outcomes: Record<string, number> = {};
    let inputs = 0;
    let corpus = Buffer.alloc(0);
    while (inputs < budget.maxInputs && (inputs % 256 !== 0 || Date.now() < budget.until)) {
      inputs++;
      const frames = Array.from({ length: random.size(12) }, () => frame(random.bytes(random.chance(0.03) ? random.size(300_000) : random.size(200))));
      let stream = Buffer.concat(frames);
      if (random.chance(0.7)) stream = mutateBytes(random, stream, corpus);
      if (random.chance(0.05)) corpus = stream.subarray(0, 4096);
      const expected = reference(stream);
      const got: Buffer[] = [];
      // (Copied: a frame handed out is valid only as long as its source, which push() callers may reuse.)
      const decoder = new FrameDecoder((source, start, end) => got.push(Buffer.from(source.subarray(start, end))), LIMIT, 'fuzz');
      let outcome = 'clean';
      try {
        const viaBuffers = random.chance(0.5);
        for (let at = 0; at < stream.length; ) {
          const n = 1 + random.size(Math.min(stream.length - at, 70_000));
          if (viaBuffers) {
            // As a socket reading where the decoder says: at most the room it offers.
            const target = decoder.readBuffer();
            const take = Math.min(n, target.length, stream.length - at);
            stream.copy(target, 0, at, at + take);
            decoder.wrote(take);
            at += take;
          } else {
            decoder.push(stream.subarray(at, at + n));
            at += n;
          }
        }
        decoder.end();
      } catch (error) {
        outcome = outcomeOf(error);
      }
      tally(outcomes, outcome);
      const expectedOutcome = { clean: 'clean', truncated: 'ERR_FRAME_TRUNCATED', 'too-large': 'ERR_FRAME_TOO_LARGE' }[expected.end];
      const framesMatch = got.length === expected.frames.length && got.every((f, i) => f.equals(expected.frames[i]!));
      if (outcome !== expectedOutcome || !framesMatch) {
        findings.push({
          target: 'frame-decoder',
          input: inputs,
          problem: `expected ${expected.frames.length} frames then ${expectedOutcome}, got ${got.length} frames${framesMatch ? '' : ' (different)'} then ${outcome}`,
          bytes: hex(stream),
        });
      }
    }
    return { target: 'frame-decoder', inputs, findings, figures: { outcomes } };
  },
};
