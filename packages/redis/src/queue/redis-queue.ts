/**
 * A Queue, JoinableQueue or SimpleQueue kept in Redis: each operation one script (lua/queue-*.lua).
 *
 * An item taken stays recorded under the taker's ticket until the taker acknowledges it, which it does before the
 * item reaches its code (the acknowledgement is written to the socket first), so a process that dies with items on
 * their way gives them back to the head. A JoinableQueue keeps each taker's acknowledged items until `taskDone()`.
 *
 * @module
 */
import { ClosedError, type BlockingOptions } from '@multiproc/wire';
import { EmptyError, FullError, TaskDoneError } from '@multiproc/queue';
import type { RedisBackend } from '../backend.js';
import { BackendUnavailableError, OptionsMismatchError } from '../errors.js';
import { objectKeys, scriptKeys, type ObjectKeys } from '../keys.js';
import { statusOf, type Reply } from '../scripts.js';
import { WAIT, waitTurn } from '../wait-turn.js';
import { watchState } from '../watch-state.js';
import { readFramedItems } from './framed-items.js';

/** Which queue class. */
export type QueueKind = 'Queue' | 'JoinableQueue' | 'SimpleQueue';

/** A batch of items taken, with its acknowledgement (see the module comment). */
export interface TakenBatch<T> {
  items: T[];
  /** `used` more items reached the caller's code; with `giveBack`, the others go back to the head. */
  acknowledge(used: number, giveBack?: boolean): void;
}

/** See the module comment. */
export class RedisQueue<T> {
  readonly kind: QueueKind;
  readonly name: string;
  readonly maxsize: number;
  readonly #backend: RedisBackend;
  readonly #keys: ObjectKeys;
  readonly #scriptKeys: string[];
  #opened: Promise<void> | undefined;

  constructor(backend: RedisBackend, kind: QueueKind, name: string, maxsize: number) {
    this.#backend = backend;
    this.kind = kind;
    this.name = name;
    this.maxsize = maxsize;
    this.#keys = objectKeys(backend.namespace, 'queue', name);
    this.#scriptKeys = scriptKeys('queue', this.#keys.tag);
  }

  get #context(): string {
    return this.#keys.tag;
  }

  /** Creates the queue in the server, or checks that the one there has this kind and maxsize (once per object). */
  open(): Promise<void> {
    return (this.#opened ??= this.#open().catch((error: unknown) => {
      this.#opened = undefined;
      throw error;
    }));
  }

  async #open(): Promise<void> {
    this.#backend.touch(this.#keys.tag);
    const reply = statusOf(
      await this.#backend.run(`${this.kind}()`, 'queue-open', [this.#scriptKeys[0]!], [this.kind, this.maxsize, this.kind === 'JoinableQueue' ? 1 : 0]),
    );
    if (reply !== 'ok') {
      const [, kind, maxsize] = (reply ?? '').split(' ');
      throw new OptionsMismatchError(
        `new ${this.kind}({ name: '${this.name}' }): the namespace '${this.#backend.namespace}' already has a ${kind} named '${this.name}' with maxsize ${maxsize}, ` +
          `not a ${this.kind} with maxsize ${this.maxsize}. Use the same class and options in every process, or another name.`,
      );
    }
  }

  /** Adds items in order, waiting for room while a bounded queue is full. */
  async put(items: T[], options?: BlockingOptions): Promise<void> {
    const call = `${this.kind}.put()`;
    await this.open();
    let values = items.map((item) => this.#backend.codec.encode(item, this.#context));
    values = values.slice(await this.#putSome(call, values, 'put'));
    if (values.length === 0) return;
    await watchState(this.#backend, call, this.#keys.tag, options, async () => {
      values = values.slice(await this.#putSome(call, values, 'put'));
      return values.length === 0 ? true : WAIT;
    });
  }

  /** Adds an item if there is room now, else throws `ERR_QUEUE_FULL`. */
  async putNowait(item: T): Promise<void> {
    await this.open();
    await this.#putSome(`${this.kind}.putNowait()`, [this.#backend.codec.encode(item, this.#context)], 'nowait');
  }

  async #putSome(call: string, values: Buffer[], mode: 'put' | 'nowait'): Promise<number> {
    const reply = await this.#backend.run(call, 'queue-put', this.#scriptKeys, [this.#backend.channelPrefix, mode, ...values]);
    if (typeof reply === 'number') return reply;
    throw this.#statusError(call, statusOf(reply));
  }

  /** Takes up to `max` items, waiting for at least one. */
  async take(max: number, options?: BlockingOptions): Promise<TakenBatch<T>> {
    const call = `${this.kind}.get()`;
    await this.open();
    const steps = this.#takeSteps(call, max, 'wait');
    let ticket = '';
    const buffers = await waitTurn(this.#backend, call, this.#keys.tag, options, {
      ...steps,
      enter: (t) => ((ticket = t), steps.enter(t)),
    });
    return this.#batch(ticket, buffers);
  }

  /** Takes the oldest item if there is one, else throws `ERR_QUEUE_EMPTY` (`ERR_CLOSED` once closed and drained). */
  async takeNowait(): Promise<T> {
    const call = `${this.kind}.getNowait()`;
    await this.open();
    const ticket = this.#backend.nextTicket();
    const buffers = await this.#takeSteps(call, 1, 'nowait').enter(ticket);
    if (buffers === WAIT) throw new EmptyError(call);
    const batch = this.#batch(ticket, buffers);
    batch.acknowledge(1);
    return batch.items[0]!;
  }

  #takeSteps(call: string, max: number, mode: 'wait' | 'nowait') {
    const backend = this.#backend;
    const keys = this.#scriptKeys;
    const prefix = backend.channelPrefix;
    return {
      enter: async (ticket: string): Promise<Buffer[] | typeof WAIT> => {
        const reply = await backend.run(call, 'queue-get', keys, [prefix, backend.client, ticket, max, mode, -1]);
        if (Array.isArray(reply)) return reply as Buffer[];
        const status = statusOf(reply);
        if (status === 'wait' || status === 'empty') return WAIT;
        throw this.#statusError(call, status);
      },
      claim: async (ticket: string): Promise<Buffer[] | typeof WAIT> => {
        const reply = await backend.run(call, 'queue-claim', keys, [backend.client, ticket]);
        if (Array.isArray(reply)) return reply as Buffer[];
        const status = statusOf(reply);
        if (status === 'wait') return WAIT;
        throw this.#statusError(call, status);
      },
      cancel: (ticket: string) => backend.run(call, 'queue-cancel', keys, [prefix, backend.client, ticket]),
      fromMessage: (body: Buffer): Buffer[] => {
        if (body[0] === 0x63 /* 'c' */) throw new ClosedError(`${call}: the queue was closed while this call waited.`);
        return readFramedItems(body, 1);
      },
      accept: () => undefined,
    };
  }

  #batch(ticket: string, buffers: Buffer[]): TakenBatch<T> {
    const items = buffers.map((b) => this.#backend.codec.decode(b, this.#context) as T);
    let open = true;
    return {
      items,
      acknowledge: (used, giveBack = false) => {
        if (!open) return;
        if (giveBack) open = false;
        // Written to the socket now, before the items reach the caller's code (see the module comment).
        this.#backend
          .run(`${this.kind} acknowledgement`, 'queue-ack', this.#scriptKeys, [this.#backend.channelPrefix, this.#backend.client, ticket, used, giveBack ? 1 : 0])
          .catch(() => undefined);
      },
    };
  }

  /** Items buffered now (exact: the server counts them). */
  async size(): Promise<number> {
    return await this.#backend.command(`${this.kind}.qsize()`, (r) => r.llen(this.#keys.part('items')));
  }

  /** Closes the queue for every process. */
  async close(): Promise<void> {
    await this.open();
    await this.#backend.run(`${this.kind}.close()`, 'queue-close', this.#scriptKeys, [this.#backend.channelPrefix]);
  }

  /** JoinableQueue: one item taken by this process (or any) is done. */
  async taskDone(): Promise<void> {
    const call = 'JoinableQueue.taskDone()';
    await this.open();
    const reply = await this.#backend.run(call, 'queue-task-done', this.#scriptKeys, [this.#backend.client]);
    if (typeof reply !== 'number') throw this.#statusError(call, statusOf(reply));
  }

  /** JoinableQueue: resolves when every item put has been marked done. */
  async join(options?: BlockingOptions): Promise<void> {
    const call = 'JoinableQueue.join()';
    await this.open();
    await watchState(this.#backend, call, this.#keys.tag, options, async () => {
      const unfinished = await this.#backend.command(call, (r) => r.hget(this.#keys.part('meta'), 'unfinished'));
      if (unfinished === null) throw this.#statusError(call, 'gone');
      return Number(unfinished) === 0 ? undefined : WAIT;
    });
  }

  #statusError(call: string, status: string | undefined): Error {
    switch (status) {
      case 'closed':
        return new ClosedError(`${call}: the queue '${this.name}' is closed${call.includes('get') ? ' and has no items left' : ''}.`);
      case 'full':
        return new FullError(call, this.maxsize);
      case 'too-many':
        return new TaskDoneError();
      case 'gone':
        this.#opened = undefined;
        return new BackendUnavailableError(
          `${call}: the queue '${this.name}' is gone from ${this.#backend.server} (the server restarted without persistence, or its keys were deleted); ` +
            'its items are lost. The next call creates it again, empty.',
        );
      default:
        return new Error(`${call}: unexpected reply from the queue script: ${String(status)}`);
    }
  }
}
