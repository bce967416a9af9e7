/**
 * Which modules a receiver must import before it can decode a message.
 *
 * A passable class is registered at module scope of the module that defines
 * it; a process that never imported that module cannot decode its instances
 * (a child decoding its boot message has imported nothing of the user's yet).
 * So a registration names its module, encoding notes the modules a message
 * needs, and the Channel sends a {@link RequireModules} frame ahead of the
 * first message that needs each one. The receiving Channel imports them before
 * it decodes anything that follows. (The collecting is in encode-context.ts.)
 *
 * @module
 */
import { ProtocolError } from './errors.js';
import { addExtension } from 'msgpackr/pack';
import { REQUIRE_MODULES_EXT, RESET_CODEC_EXT } from './extension-types.js';

/** The control frame that tells a receiver to import modules before it decodes further. */
export class RequireModules {
  constructor(readonly modules: string[]) {}
}

addExtension({
  Class: RequireModules,
  type: REQUIRE_MODULES_EXT,
  write: (value: RequireModules) => value.modules,
  read: (modules: unknown) => {
    // Only modules on this machine's disk: passables register with their file's import.meta.url. A peer
    // naming anything else (a data: or https: URL) is not sending what this library writes.
    if (!Array.isArray(modules) || !modules.every((m) => typeof m === 'string' && m.startsWith('file:'))) {
      throw new ProtocolError(`a peer asked this process to import ${JSON.stringify(modules).slice(0, 200)}; only file: URLs of passable classes are imported.`);
    }
    return new RequireModules(modules as string[]);
  },
});

/**
 * The control frame that tells a receiver to start a fresh decoder: the
 * sender's encoder failed part-way through a message and was replaced, and
 * msgpackr's per-stream record state must restart on both sides at this point.
 */
export class ResetCodec {}

addExtension({
  Class: ResetCodec,
  type: RESET_CODEC_EXT,
  write: () => 0,
  read: () => new ResetCodec(),
});
