/**
 * Which modules a receiver must import before it can decode a message.
 *
 * A passable class is registered at module scope of the module that defines
 * it; a process that never imported that module cannot decode its instances
 * (a child decoding its boot message has imported nothing of the user's yet).
 * So a registration names its module, encoding notes the modules a message
 * needs, and the Channel sends a {@link RequireModules} frame ahead of the
 * first message that needs each one. The receiving Channel imports them before
 * it decodes anything that follows.
 *
 * @module
 */
import { addExtension } from 'msgpackr/pack';
import { REQUIRE_MODULES_EXT } from './extension-types.js';

let collecting: string[] | undefined;

/** Called by a passable's encoder: the message being encoded needs `module` to be decoded. */
export function noteRequiredModule(module: string | undefined): void {
  if (module && collecting && !collecting.includes(module)) collecting.push(module);
}

/** Runs `encode`, collecting into `into` the modules the encoded value needs. */
export function collectRequiredModules<R>(into: string[], encode: () => R): R {
  const outer = collecting;
  collecting = into;
  try {
    return encode();
  } finally {
    collecting = outer;
  }
}

/** The control frame that tells a receiver to import modules before it decodes further. */
export class RequireModules {
  constructor(readonly modules: string[]) {}
}

addExtension({
  Class: RequireModules,
  type: REQUIRE_MODULES_EXT,
  write: (value: RequireModules) => value.modules,
  read: (modules: string[]) => new RequireModules(modules),
});
