/**
 * An Event kept in Redis (an `EventBackend`): a flag and a generation (sets so far) in its meta hash. `set()`
 * broadcasts on the event's channel; a waiter reads the state after subscribing and again on each broadcast, and
 * returns once the flag is set or the generation moved (a set it did not see before a clear).
 *
 * @module
 */
import type { BlockingOptions } from '@multiproc/wire';
import type { EventBackend } from '@multiproc/lock';
import { BackendUnavailableError } from '../errors.js';
import { NamedObject } from '../named-object.js';
import type { RedisBackend } from '../backend.js';
import { statusOf, type ScriptName } from '../scripts.js';
import { WAIT } from '../wait-turn.js';
import { watchState } from '../watch-state.js';
import { countWatcher, countWatchers } from '../watchers.js';

/** See the module comment. */
export class RedisEvent extends NamedObject implements EventBackend {
  constructor(backend: RedisBackend, name: string) {
    super(backend, 'event', name);
  }

  protected openArgs() {
    return { kind: 'Event', script: 'object-open' as ScriptName, args: ['-', 'flag', 0, 'generation', 0], describe: 'no options' };
  }

  async set(): Promise<void> {
    await this.#run('Event.set()', 'event-set');
  }

  async clear(): Promise<void> {
    await this.#run('Event.clear()', 'event-clear');
  }

  async isSet(): Promise<boolean> {
    return (await this.#read('Event.isSet()')).flag;
  }

  async wait(options: BlockingOptions & { readonly call: string }): Promise<true> {
    const start = await this.#read(options.call);
    if (start.flag) return true;
    return await countWatcher(this.session, this.keys, 'wait', () =>
      watchState(this.session, options.call, this.keys.tag, options, async () => {
        const now = await this.#read(options.call);
        return now.flag || now.generation !== start.generation ? (true as const) : WAIT;
      }),
    );
  }

  async waiters(): Promise<number> {
    await this.open();
    return (await countWatchers(this.session, this.keys)).wait ?? 0;
  }

  async #run(call: string, script: ScriptName): Promise<void> {
    await this.open();
    if (statusOf(await this.session.run(call, script, this.scriptKeys, [])) !== 'ok') throw this.#gone(call);
  }

  async #read(call: string): Promise<{ flag: boolean; generation: string }> {
    await this.open();
    const [flag, generation] = await this.session.command(call, (r) => r.hmget(this.keys.part('meta'), 'flag', 'generation'));
    if (flag === null) throw this.#gone(call);
    return { flag: flag === '1', generation: generation ?? '0' };
  }

  #gone(call: string): Error {
    this.forgetOpened();
    return new BackendUnavailableError(
      `${call}: the Event '${this.name}' is gone from ${this.session.server} (the server restarted without persistence, or its keys were deleted). ` +
        'The next call creates it again, cleared.',
    );
  }
}
