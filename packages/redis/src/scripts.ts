/**
 * The Lua scripts, one file per operation in `lua/` (named `<operation>-<number of keys>.lua`), with shared helpers
 * in `lua/includes/` pulled in by `--@include <name>` lines. Each operation is one script: atomic on the server.
 *
 * They run by EVALSHA (ioredis loads a script again after a server restart: NOSCRIPT).
 *
 * @module
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

const LUA_DIR = new URL('../lua/', import.meta.url);

/** The name of a script: its family and operation (`queue-put`), or `object-open`. */
export type ScriptName = `${'queue' | 'lock' | 'event' | 'cond' | 'barrier' | 'pool'}-${string}` | 'object-open';

/** A reply as ioredis gives a script's reply with Buffers for strings. */
export type Reply = Buffer | number | null | Reply[];

interface ScriptSource {
  name: string;
  keys: number;
  lua: string;
}

/** Reads every script, with its includes expanded (once per process). */
function readScripts(): ScriptSource[] {
  const include = (name: string) => readFileSync(new URL(`includes/${name}.lua`, LUA_DIR), 'utf8');
  return readdirSync(LUA_DIR)
    .filter((file) => file.endsWith('.lua'))
    .map((file) => {
      const match = /^(.*)-(\d+)\.lua$/.exec(file);
      if (!match) throw new Error(`@multiproc/redis: script file ${file} is not named <operation>-<keys>.lua`);
      const lua = readFileSync(new URL(file, LUA_DIR), 'utf8').replace(/^--@include (\S+)$/gm, (_, name: string) => include(name));
      return { name: match[1]!, keys: Number(match[2]), lua };
    });
}

let sources: ScriptSource[] | undefined;

/** Defines every script as a command of `client` (ioredis keeps their SHA and loads them on NOSCRIPT). */
export function defineScripts(client: Redis): void {
  for (const script of (sources ??= readScripts())) client.defineCommand(script.name, { lua: script.lua, numberOfKeys: script.keys });
}

/** Runs script `name` on `client` with `keys` and `args`; strings come back as Buffers. */
export function runScript(client: Redis, name: ScriptName, keys: readonly string[], args: ReadonlyArray<string | number | Buffer>): Promise<Reply> {
  const command = (client as unknown as Record<string, (...a: unknown[]) => Promise<Reply>>)[`${name}Buffer`];
  if (!command) throw new Error(`@multiproc/redis: no script '${name}'`);
  return command.call(client, ...keys, ...args);
}

/** A reply that is a status word ('ok', 'wait', 'closed', …), or undefined for any other reply. */
export function statusOf(reply: Reply): string | undefined {
  return Buffer.isBuffer(reply) ? reply.toString('latin1') : undefined;
}
