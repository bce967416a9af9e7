/**
 * The owner's queue backend: this process holds the items (queue-state.ts)
 * and serves other processes through the runtime. Its own calls go to the
 * state directly: no message, no encoding, no receipt.
 *
 * @module
 */
import {
  checkSendable,
  LOCAL_CAPABILITIES,
  localRef,
  registerPublicObject,
  runtime,
  runLocalWait,
  type BackendCapabilities,
  type BlockingOptions,
  type ObjectRef,
} from '@multiproc/wire';
import type { PutOptions, QueueBackend, QueueSpec, QueueWaiters, Taken, TakeOptions } from '../queue-backend.js';
import { QueueState } from './queue-state.js';

/** See the module comment. */
export class LocalQueue<T> implements QueueBackend<T> {
  readonly capabilities: BackendCapabilities = LOCAL_CAPABILITIES;
  readonly spec: QueueSpec<T>;
  readonly isOwner = true;
  readonly #state: QueueState<T>;
  readonly #id: number;
  /** Its reference was written into a message: items put here may be taken by other processes, so they must be sendable. */
  #shared = false;

  /** @param facade - the public object, given back when a handle to this queue arrives in this process. */
  constructor(spec: QueueSpec<T>, facade?: object) {
    this.spec = spec;
    this.#state = new QueueState<T>({ maxsize: spec.maxsize, joinable: spec.joinable, policy: spec.onConsumerDeath, onLost: spec.onLostItems });
    this.#id = runtime().own(this.#state);
    if (facade) registerPublicObject(this.#state, facade);
  }

  ref(): ObjectRef {
    this.#shared = true;
    return localRef(this.#id);
  }

  put(item: T, options: PutOptions): Promise<void> {
    // What another process could not take must not get in (it would fail each taker in turn).
    if (this.#shared) {
      try {
        checkSendable(item, options.call);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return runLocalWait(options.call, options, (signal) => this.#state.put(item, signal));
  }

  putMany(items: T[], options: PutOptions): Promise<void> {
    if (this.#shared) {
      try {
        for (const item of items) checkSendable(item, options.call);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return runLocalWait(options.call, options, (signal) => this.#state.putMany(items, signal));
  }

  putNowait(item: T, call: string): Promise<void> {
    try {
      if (this.#shared) checkSendable(item, call);
      this.#state.putNowait(item);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  take(max: number, options: TakeOptions): Promise<Taken<T>> {
    return runLocalWait(options.call, options, (signal) => {
      const items = this.#state.take(max, options.wait, signal);
      return items instanceof Promise ? items.then((taken) => this.#taken(taken)) : this.#taken(items);
    });
  }

  size(): Promise<number> {
    return Promise.resolve(this.#state.size);
  }

  close(): Promise<void> {
    this.#state.close();
    return Promise.resolve();
  }

  taskDone(): Promise<void> {
    try {
      this.#state.taskDone();
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  join(options: BlockingOptions & { readonly call: string }): Promise<void> {
    return runLocalWait(options.call, options, (signal) => this.#state.join(signal));
  }

  waiters(): Promise<QueueWaiters> {
    return Promise.resolve(this.#state.waiters);
  }

  /** Items the owner took are its own at once: nothing to acknowledge; what is given back goes back to the head. */
  #taken(items: T[]): Taken<T> {
    let used = 0;
    return {
      items,
      ack: (n) => {
        used += n;
      },
      release: () => {
        if (used < items.length) this.#state.giveBack(items.slice(used));
        used = items.length;
      },
    };
  }
}
