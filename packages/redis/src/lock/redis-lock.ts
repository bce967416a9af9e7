/**
 * A Lock, RLock, Semaphore or BoundedSemaphore kept in Redis (a `LockBackend`): each operation one script
 * (lua/lock-*.lua). Holding is per process (per backend connection): the async tasks of one process share its hold.
 *
 * A waiter is entered in the lock's waiters (FIFO); a release hands the permit straight to the first of them and
 * wakes it by its process's channel, so a hand-off costs the release's round trip and a message. A cancelled wait
 * gives back a permit granted meanwhile. A holder's death frees its permits marked orphaned: the next acquirers get
 * `ACQUIRED_OWNER_DIED`.
 *
 * @module
 */
import { InvalidArgumentError } from '@multiproc/wire';
import { ACQUIRED, LockNotHeldError, OverReleaseError, type Acquired, type LockAcquireOptions, type LockBackend, type LockSpec } from '@multiproc/lock';
import { BackendUnavailableError } from '../errors.js';
import { NamedObject } from '../named-object.js';
import type { RedisBackend } from '../backend.js';
import { statusOf, type Reply, type ScriptName } from '../scripts.js';
import { REENTER, WAIT, waitTurn } from '../wait-turn.js';

/** See the module comment. */
export class RedisLock extends NamedObject implements LockBackend {
  readonly spec: LockSpec;

  constructor(backend: RedisBackend, name: string, spec: LockSpec) {
    super(backend, 'lock', name);
    if (!Number.isInteger(spec.value) || spec.value < 0) {
      throw new InvalidArgumentError(`new ${spec.kind}(): value must be a whole number ≥ 0, got ${String(spec.value)}.`);
    }
    this.spec = spec;
  }

  protected openArgs() {
    return { kind: this.spec.kind, script: 'lock-open' as ScriptName, args: [this.spec.value], describe: `value=${this.spec.value}` };
  }

  async acquire(options: LockAcquireOptions): Promise<Acquired> {
    await this.open();
    const session = this.session;
    const keys = this.scriptKeys;
    const prefix = session.channelPrefix;
    const call = options.call;
    const blocking = options.blocking;
    return await waitTurn<Acquired>(session, call, this.keys.tag, blocking ? options : undefined, {
      enter: async (ticket) => {
        const reply = await session.run(call, 'lock-acquire', keys, [prefix, session.client, ticket, blocking ? 1 : 0, -1]);
        if (typeof reply === 'number') return reply as Acquired;
        const status = statusOf(reply);
        if (status === 'wait') return WAIT;
        throw this.#statusError(call, status);
      },
      claim: async (ticket) => {
        const reply = await session.run(call, 'lock-claim', keys, [session.client, ticket]);
        if (typeof reply === 'number') return reply as Acquired;
        return statusOf(reply) === 'gone' ? REENTER : WAIT;
      },
      cancel: (ticket) => session.run(call, 'lock-cancel', keys, [prefix, session.client, ticket]),
      fromMessage: (body) => (body[1] === 0x32 /* '2' */ ? 2 : ACQUIRED) as Acquired,
      accept: (ticket) => {
        session.run(call, 'lock-accept', keys, [session.client, ticket]).catch(() => undefined);
      },
    });
  }

  async release(call: string): Promise<void> {
    await this.open();
    const reply: Reply = await this.session.run(call, 'lock-release', this.scriptKeys, [this.session.channelPrefix, this.session.client]);
    const status = statusOf(reply);
    if (status !== 'ok') throw this.#statusError(call, status);
  }

  async locked(): Promise<boolean> {
    return (await this.value()) === 0;
  }

  async value(): Promise<number> {
    await this.open();
    const permits = await this.session.command(`${this.spec.kind}.value()`, (r) => r.hget(this.keys.part('meta'), 'permits'));
    if (permits === null) throw this.#statusError(`${this.spec.kind}.value()`, 'gone');
    return Math.max(0, Number(permits));
  }

  /** Condition support: how many levels this process holds (0: none). */
  async depthHere(call: string): Promise<number> {
    await this.open();
    return Number((await this.session.command(call, (r) => r.hget(this.keys.part('holders'), this.session.client))) ?? 0);
  }

  /** Condition support: releases every level this process holds and hands the lock on; returns the depth. */
  async releaseAll(call: string): Promise<number> {
    return Number(await this.session.run(call, 'lock-release-all', this.scriptKeys, [this.session.channelPrefix, this.session.client]));
  }

  /** Condition support: takes the lock back (waiting, whatever the caller's deadline) at `depth`. */
  async restore(call: string, depth: number): Promise<void> {
    await this.acquire({ blocking: true, call });
    if (depth > 1) await this.session.command(call, (r) => r.hincrby(this.keys.part('holders'), this.session.client, depth - 1));
  }

  async waiters(): Promise<number> {
    await this.open();
    return await this.session.command('waiters', (r) => r.llen(this.keys.part('waiters')));
  }

  #statusError(call: string, status: string | undefined): Error {
    switch (status) {
      case 'not-held':
        return new LockNotHeldError(
          this.spec.kind === 'RLock'
            ? `${call}: this process does not hold the RLock '${this.name}'; only its holder may release it.`
            : `${call}: the ${this.spec.kind} '${this.name}' is not held.`,
        );
      case 'over':
        return new OverReleaseError(this.spec.value);
      case 'gone':
        this.forgetOpened();
        return new BackendUnavailableError(
          `${call}: the ${this.spec.kind} '${this.name}' is gone from ${this.session.server} (the server restarted without persistence, ` +
            'or its keys were deleted). The next call creates it again, free.',
        );
      default:
        return new Error(`${call}: unexpected reply from the lock script: ${String(status)}`);
    }
  }
}
