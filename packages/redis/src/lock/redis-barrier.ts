/**
 * A Barrier kept in Redis (a `BarrierBackend`). A party's arrival is one script: the last one ends the round and
 * broadcasts; the others watch the round number. It breaks (every waiter and later wait get `ERR_BROKEN_BARRIER`)
 * when a wait times out or is aborted, `abort()` is called, or a waiting party's process dies (its reap breaks it).
 * An `action` is not supported: no process owns the barrier to run it (`creatorCallbacks: false`).
 *
 * @module
 */
import { InvalidArgumentError, type BlockingOptions } from '@multiproc/wire';
import { BrokenBarrierError, type BarrierBackend, type BarrierSpec } from '@multiproc/lock';
import { BackendUnavailableError } from '../errors.js';
import { NamedObject } from '../named-object.js';
import type { RedisBackend } from '../backend.js';
import { statusOf, type Reply, type ScriptName } from '../scripts.js';
import { WAIT } from '../wait-turn.js';
import { watchState } from '../watch-state.js';

/** See the module comment. */
export class RedisBarrier extends NamedObject implements BarrierBackend {
  readonly spec: BarrierSpec;

  constructor(backend: RedisBackend, name: string, spec: BarrierSpec) {
    super(backend, 'barrier', name);
    if (spec.action) {
      throw new InvalidArgumentError(
        `new Barrier({ name: '${name}' }): a Barrier on Redis has no owner process to run an action in. ` +
          'Run it in the party whose wait() returns 0 instead.',
      );
    }
    this.spec = spec;
  }

  protected openArgs() {
    return {
      kind: 'Barrier',
      script: 'object-open' as ScriptName,
      args: [`parties=${this.spec.parties}`, 'parties', this.spec.parties, 'arrived', 0, 'round', 0, 'resets', 0, 'broken', 0],
      describe: `parties=${this.spec.parties}`,
    };
  }

  async wait(options: BlockingOptions & { readonly call: string }): Promise<number> {
    const call = options.call;
    await this.open();
    const reply = await this.session.run(call, 'barrier-wait', this.scriptKeys, [this.session.client, this.session.nextTicket()]);
    if (!Array.isArray(reply)) throw this.#statusError(call, statusOf(reply));
    const [index, outcome, round, resets] = reply as [number, Buffer, number, number];
    if (outcome.toString() === 'pass') return index;
    try {
      return await watchState(this.session, call, this.keys.tag, options, async () => {
        const [nowRound, nowResets, broken, why] = await this.session.command(call, (r) =>
          r.hmget(this.keys.part('meta'), 'round', 'resets', 'broken', 'why'),
        );
        if (Number(nowRound) > round) return index;
        if (Number(nowResets) !== resets) throw new BrokenBarrierError('reset() was called while it waited');
        if (broken === '1') throw new BrokenBarrierError(why ?? 'it was broken');
        return WAIT;
      });
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== 'ERR_TIMEOUT' && code !== 'ERR_ABORTED') throw error;
      const why = 'a party timed out or gave up waiting';
      await this.session.run(call, 'barrier-break', this.scriptKeys, [why]);
      throw new BrokenBarrierError(why);
    }
  }

  async abort(): Promise<void> {
    await this.#run('Barrier.abort()', 'barrier-break', ['abort() was called']);
  }

  async reset(): Promise<void> {
    await this.#run('Barrier.reset()', 'barrier-reset', []);
  }

  async waiting(): Promise<number> {
    await this.open();
    return await this.session.command('Barrier.nWaiting()', (r) => r.hlen(this.keys.part('parties')));
  }

  async broken(): Promise<boolean> {
    await this.open();
    return (await this.session.command('Barrier.broken()', (r) => r.hget(this.keys.part('meta'), 'broken'))) === '1';
  }

  async #run(call: string, script: ScriptName, args: string[]): Promise<void> {
    await this.open();
    const reply: Reply = await this.session.run(call, script, this.scriptKeys, args);
    if (statusOf(reply) !== 'ok') throw this.#statusError(call, statusOf(reply));
  }

  #statusError(call: string, status: string | undefined): Error {
    if (status === 'broken') return new BrokenBarrierError('it was broken earlier');
    this.forgetOpened();
    return new BackendUnavailableError(
      `${call}: the Barrier '${this.name}' is gone from ${this.session.server} (the server restarted without persistence). The next call creates it again.`,
    );
  }
}
