/**
 * A Condition kept in Redis (a `ConditionBackend`), bound to a Lock or RLock on the same backend. `wait()` enters the
 * condition's waiters while it still holds the lock (a notify, which needs the lock, cannot come between), then
 * releases every level of the lock, waits for a notify (a message to its ticket, re-checked every second), and takes
 * the lock back at the same depth before it settles, also on timeout or abort.
 *
 * @module
 */
import { AbortError, type BlockingOptions } from '@multiproc/wire';
import { LockNotHeldError, type ConditionBackend } from '@multiproc/lock';
import { BackendUnavailableError } from '../errors.js';
import { NamedObject } from '../named-object.js';
import type { RedisBackend } from '../backend.js';
import { statusOf, type ScriptName } from '../scripts.js';
import { WAIT, waitTurn } from '../wait-turn.js';
import type { RedisLock } from './redis-lock.js';

/** See the module comment. */
export class RedisCondition extends NamedObject implements ConditionBackend {
  readonly #lock: RedisLock;

  constructor(backend: RedisBackend, name: string, lock: RedisLock) {
    super(backend, 'cond', name);
    this.#lock = lock;
  }

  protected openArgs() {
    return { kind: 'Condition', script: 'object-open' as ScriptName, args: [`lock=${this.#lock.name}`], describe: `lock=${this.#lock.name}` };
  }

  async wait(options: BlockingOptions & { readonly call: string }): Promise<boolean> {
    const call = options.call;
    await this.open();
    if ((await this.#lock.depthHere(call)) === 0) throw this.#notHeld(call);
    const session = this.session;
    const keys = this.scriptKeys;
    let depth = 0;
    let notified: boolean;
    try {
      await waitTurn<true>(session, call, this.keys.tag, options, {
        enter: async (ticket) => {
          const status = statusOf(await session.run(call, 'cond-wait', keys, [session.client, ticket]));
          if (status === 'gone') throw this.#gone(call);
          depth = await this.#lock.releaseAll(call);
          return WAIT;
        },
        claim: async (ticket) => ((await session.run(call, 'cond-claim', keys, [session.client, ticket])) === 1 ? true : WAIT),
        cancel: (ticket) => session.run(call, 'cond-done', keys, [session.client, ticket]),
        fromMessage: () => true,
        accept: (ticket) => {
          session.run(call, 'cond-done', keys, [session.client, ticket]).catch(() => undefined);
        },
      });
      notified = true;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (depth === 0 || (code !== 'ERR_TIMEOUT' && code !== 'ERR_ABORTED')) throw error;
      notified = false;
    }
    // The lock comes back whatever ended the wait (as Python's), then an abort is reported.
    await this.#lock.restore(call, depth);
    if (!notified && options.signal?.aborted) throw new AbortError(call, options.signal.reason);
    return notified;
  }

  async notify(n: number): Promise<void> {
    const call = 'Condition.notify()';
    await this.open();
    if ((await this.#lock.depthHere(call)) === 0) throw this.#notHeld(call);
    await this.session.run(call, 'cond-notify', this.scriptKeys, [this.session.channelPrefix, n === Infinity ? 2 ** 31 : n]);
  }

  async waiters(): Promise<number> {
    await this.open();
    return await this.session.command('waiters', (r) => r.llen(this.keys.part('waiters')));
  }

  #notHeld(call: string): Error {
    return new LockNotHeldError(`${call}: this process does not hold the condition's ${this.#lock.spec.kind} '${this.#lock.name}'; acquire it first.`);
  }

  #gone(call: string): Error {
    this.forgetOpened();
    return new BackendUnavailableError(
      `${call}: the Condition '${this.name}' is gone from ${this.session.server} (the server restarted without persistence). The next call creates it again.`,
    );
  }
}
