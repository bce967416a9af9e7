/**
 * A Queue, JoinableQueue or SimpleQueue kept in Redis (a `QueueBackend`): each operation one script (lua/queue-*.lua).
 *
 * An item taken stays recorded under the taker's ticket until the taker acknowledges it, which the facade does before
 * the item reaches the user's code (`ack` writes the acknowledgement to the socket before it returns), so a process
 * that dies with items on their way gives them back to the head. A JoinableQueue keeps each taker's acknowledged items
 * until `taskDone()`, and gives them back (or, under `'done'`, counts them done) when the taker dies.
 *
 * @module
 */
import { ClosedError, InvalidArgumentError, type BlockingOptions } from '@multiproc/wire';
import { EmptyError, FullError, TaskDoneError, type PutOptions, type QueueBackend, type QueueSpec, type QueueWaiters, type Taken, type TakeOptions } from '@multiproc/queue';
import { BackendUnavailableError } from '../errors.js';
import { NamedObject } from '../named-object.js';
import type { RedisBackend } from '../backend.js';
import type { ObjectKeys } from '../keys.js';
import type { Session } from '../session.js';
import { statusOf, type ScriptName } from '../scripts.js';
import { REENTER, WAIT, waitTurn, type TurnSteps } from '../wait-turn.js';
import { watchState } from '../watch-state.js';
import { countWatcher, countWatchers } from '../watchers.js';
import { readFramedItems } from './framed-items.js';
import { PutBatcher } from './put-batcher.js';

/** See the module comment. */
export class RedisQueue<T> extends NamedObject implements QueueBackend<T> {
  readonly spec: QueueSpec<T>;
  readonly #kindName: string | undefined;

  /** @param kindName - the kind stored with it, when it is not a Queue or JoinableQueue (a Pool's task queue). */
  /** @throws {InvalidArgumentError} `ERR_INVALID_ARGUMENT` for `onLostItems`: no owner process is there to run it. */
  constructor(backend: RedisBackend, name: string, spec: QueueSpec<T>, kindName?: string) {
    super(backend, 'queue', name);
    if (spec.onLostItems) {
      throw new InvalidArgumentError(
        `new JoinableQueue({ name: '${name}' }): onLostItems needs an owner process to run in, and a queue on Redis has none. ` +
          "With onConsumerDeath: 'done' a dead consumer's items count as done without it.",
      );
    }
    this.spec = spec;
    this.#kindName = kindName;
  }

  get #kind(): string {
    return this.#kindName ?? (this.spec.joinable ? 'JoinableQueue' : 'Queue');
  }

  protected openArgs() {
    const policy = this.spec.onConsumerDeath ?? 'requeue';
    return {
      kind: this.#kind,
      script: 'queue-open' as ScriptName,
      args: [this.spec.maxsize, this.spec.joinable ? 1 : 0, policy],
      describe: `maxsize=${this.spec.maxsize}${this.spec.joinable ? ` onConsumerDeath=${policy}` : ''}`,
    };
  }

  put(item: T, options: PutOptions): Promise<void> {
    // Puts of one tick without a deadline go together (put-batcher.ts); one with a deadline goes alone, after them.
    if (options.timeout === undefined && options.signal === undefined) return this.#batcher(options.call).put(item);
    this.#puts?.flush();
    return this.putMany([item], options);
  }

  #puts: PutBatcher<T> | undefined;

  #batcher(call: string): PutBatcher<T> {
    return (this.#puts ??= new PutBatcher<T>({
      ready: () => this.open(),
      encode: (item) => this.session.codec.encode(item, this.context),
      putValues: (values, accepted) => this.#putValues(values, { call }, accepted),
    }));
  }

  async putMany(items: T[], options: PutOptions): Promise<void> {
    this.#puts?.flush();
    await this.open();
    await this.#putValues(
      items.map((item) => this.session.codec.encode(item, this.context)),
      options,
      () => undefined,
    );
  }

  /** Adds encoded items in order, waiting for room while a bounded queue is full; `accepted(n)` as they go in. */
  async #putValues(values: Buffer[], options: PutOptions, accepted: (count: number) => void): Promise<void> {
    const putSome = async () => {
      const count = await this.#putSome(options.call, values, 'put');
      values = values.slice(count);
      if (count > 0) accepted(count);
    };
    await putSome();
    if (values.length === 0) return;
    await countWatcher(this.session, this.keys, 'put', () =>
      watchState(this.session, options.call, this.keys.tag, options, async () => {
        await putSome();
        return values.length === 0 ? true : WAIT;
      }),
    );
  }

  async putNowait(item: T, call: string): Promise<void> {
    this.#puts?.flush();
    await this.open();
    await this.#putSome(call, [this.session.codec.encode(item, this.context)], 'nowait');
  }

  async #putSome(call: string, values: Buffer[], mode: 'put' | 'nowait'): Promise<number> {
    const reply = await this.session.run(call, 'queue-put', this.scriptKeys, [this.session.channelPrefix, mode, ...values]);
    if (typeof reply === 'number') return reply;
    throw this.#statusError(call, statusOf(reply));
  }

  async take(max: number, options: TakeOptions): Promise<Taken<T>> {
    const { ticket, buffers } = await this.takeDelivery(max, options);
    return this.#taken(ticket, buffers);
  }

  /** @internal Takes up to `max` items as `take` does, undecoded, with the ticket they are recorded under until acknowledged. */
  async takeDelivery(max: number, options: TakeOptions): Promise<{ ticket: string; buffers: Buffer[] }> {
    this.#puts?.flush();
    await this.open();
    if (!options.wait) {
      const ticket = this.session.nextTicket();
      const buffers = await this.#takeSteps(options.call, max, 'nowait').enter(ticket);
      if (buffers === WAIT) throw new EmptyError(options.call);
      return { ticket, buffers };
    }
    const steps = this.#takeSteps(options.call, max, 'wait');
    let ticket = '';
    const buffers = await waitTurn(this.session, options.call, this.keys.tag, options, { ...steps, enter: (t) => steps.enter((ticket = t)) });
    return { ticket, buffers };
  }

  /** @internal The session and keys, for a Pool's scripts on its task queue (opened first). */
  async internals(): Promise<{ session: Session; keys: ObjectKeys; scriptKeys: string[] }> {
    await this.open();
    return { session: this.session, keys: this.keys, scriptKeys: this.scriptKeys };
  }

  #takeSteps(call: string, max: number, mode: 'wait' | 'nowait'): TurnSteps<Buffer[]> {
    const session = this.session;
    const keys = this.scriptKeys;
    const prefix = session.channelPrefix;
    return {
      enter: async (ticket) => {
        const reply = await session.run(call, 'queue-get', keys, [prefix, session.client, ticket, max, mode, -1]);
        if (Array.isArray(reply)) return reply as Buffer[];
        const status = statusOf(reply);
        if (status === 'wait' || status === 'empty') return WAIT;
        throw this.#statusError(call, status);
      },
      claim: async (ticket) => {
        const reply = await session.run(call, 'queue-claim', keys, [session.client, ticket]);
        if (Array.isArray(reply)) return reply as Buffer[];
        const status = statusOf(reply);
        if (status === 'wait') return WAIT;
        if (status === 'gone') return REENTER;
        throw this.#statusError(call, status);
      },
      cancel: (ticket) => session.run(call, 'queue-cancel', keys, [prefix, session.client, ticket]),
      fromMessage: (body) => {
        if (body[0] === 0x63 /* 'c' */) throw new ClosedError(`${call}: the queue '${this.name}' was closed while this call waited.`);
        return readFramedItems(body, 1);
      },
      accept: () => undefined,
    };
  }

  #taken(ticket: string, buffers: Buffer[]): Taken<T> {
    const items = buffers.map((b) => this.session.codec.decode(b, this.context) as T);
    const session = this.session;
    const call = `${this.#kind} receipt`;
    const delivery = this.keys.part(`d:${session.client}:${ticket}`);
    // Written to the socket before ack() returns, ahead of the items reaching user code.
    const script = (used: number, giveBack: boolean) => {
      session.run(call, 'queue-ack', this.scriptKeys, [session.channelPrefix, session.client, ticket, used, giveBack ? 1 : 0]).catch(() => undefined);
    };
    // A plain Queue's receipt is a plain command: the items acknowledged leave the delivery record (the last ones
    // with the record itself; a death between DEL and SREM leaves an index entry that names nothing). A
    // JoinableQueue's moves them to the taker's unfinished items: a script.
    const plain = (used: number, last: boolean) => {
      session
        .command(call, async (r) => {
          if (last) await Promise.all([r.del(delivery), r.srem(this.keys.part(`dl:${session.client}`), ticket)]);
          else await r.lpop(delivery, used);
        })
        .catch(() => undefined);
    };
    let acknowledged = 0;
    return {
      items,
      ack: (n) => {
        if (n <= 0 || acknowledged >= items.length) return;
        acknowledged += n;
        if (this.spec.joinable) script(n, false);
        else plain(n, acknowledged >= items.length);
      },
      release: () => {
        if (acknowledged >= items.length) return;
        acknowledged = items.length;
        script(0, true);
      },
    };
  }

  async size(): Promise<number> {
    this.#puts?.flush();
    await this.open();
    return await this.session.command(`${this.#kind}.qsize()`, (r) => r.llen(this.keys.part('items')));
  }

  async close(): Promise<void> {
    this.#puts?.flush();
    await this.open();
    await this.session.run(`${this.#kind}.close()`, 'queue-close', this.scriptKeys, [this.session.channelPrefix]);
  }

  async taskDone(): Promise<void> {
    this.#puts?.flush();
    const call = 'JoinableQueue.taskDone()';
    await this.open();
    const reply = await this.session.run(call, 'queue-task-done', this.scriptKeys, [this.session.client]);
    if (typeof reply !== 'number') throw this.#statusError(call, statusOf(reply));
  }

  async join(options: BlockingOptions & { readonly call: string }): Promise<void> {
    this.#puts?.flush();
    await this.open();
    const read = async () => {
      const unfinished = await this.session.command(options.call, (r) => r.hget(this.keys.part('meta'), 'unfinished'));
      if (unfinished === null) throw this.#statusError(options.call, 'gone');
      return Number(unfinished) === 0 ? undefined : WAIT;
    };
    if ((await read()) !== WAIT) return;
    await countWatcher(this.session, this.keys, 'join', () => watchState(this.session, options.call, this.keys.tag, options, read));
  }

  async waiters(): Promise<QueueWaiters> {
    await this.open();
    const [getters, watching] = await Promise.all([
      this.session.command('waiters', (r) => r.llen(this.keys.part('waiters'))),
      countWatchers(this.session, this.keys),
    ]);
    return { getters, putters: watching.put ?? 0, joiners: watching.join ?? 0 };
  }

  #statusError(call: string, status: string | undefined): Error {
    switch (status) {
      case 'closed':
        return new ClosedError(`${call}: the queue '${this.name}' is closed${/get|take|iteration/i.test(call) ? ' and has no items left' : ''}.`);
      case 'full':
        return new FullError(call, this.spec.maxsize);
      case 'too-many':
        return new TaskDoneError();
      case 'gone':
        this.forgetOpened();
        return new BackendUnavailableError(
          `${call}: the queue '${this.name}' is gone from ${this.session.server} (the server restarted without persistence, or its keys ` +
            'were deleted), and its items with it. The next call creates it again, empty.',
        );
      default:
        return new Error(`${call}: unexpected reply from the queue script: ${String(status)}`);
    }
  }
}
