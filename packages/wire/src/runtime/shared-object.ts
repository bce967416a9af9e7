/**
 * The base of every shared object (Queue, Lock, Event…): one public class that
 * is either the owner's object, backed by its state, or a proxy, backed by a
 * handle. Each operation runs on the state directly in the owner (no message,
 * no encoding) or as a call through the runtime everywhere else.
 *
 * This is also the seam for another backend (Redis/BullMQ, a TCP owner): the
 * public classes only ever go through `_run`.
 *
 * @module
 */
import { Deadline, type BlockingOptions } from '../blocking.js';
import type { Handle, Owned } from './owned.js';
import type { CallOptions } from './peer.js';
import { runtime } from './runtime.js';

/** @internal Passed in a constructor's options to build a proxy for a handle instead of a new object. */
export const PROXY = Symbol.for('multiproc.shared.proxy');

/** @internal Options carrying a handle, for building a proxy. */
export interface ProxyOptions {
  [PROXY]?: Handle;
}

type Backing<S> = { state: S; id: number } | { handle: Handle };

/** The owner's public object for each state, so a handle decoded in its owner gives back that very object. */
const publicObjects = new WeakMap<Owned, SharedObject<Owned>>();

/** See the module comment. */
export abstract class SharedObject<S extends Owned> {
  readonly #backing: Backing<S>;

  /**
   * @param proxy - the handle when building a proxy (from `options[PROXY]`), else undefined.
   * @param createState - makes the owner's state; called only in the owner.
   */
  protected constructor(proxy: Handle | undefined, createState: () => S) {
    if (proxy) {
      this.#backing = { handle: proxy };
    } else {
      const state = createState();
      this.#backing = { state, id: runtime().own(state) };
      publicObjects.set(state, this as unknown as SharedObject<Owned>);
    }
  }

  /** True in the process that owns this object. */
  get isOwner(): boolean {
    return 'state' in this.#backing;
  }

  /** @internal The handle written when this object is passed to another process. */
  get handle(): Handle {
    const backing = this.#backing;
    return 'handle' in backing ? backing.handle : runtime().handle(backing.id);
  }

  /** @internal The owner's state (undefined in a proxy). */
  protected get _state(): S | undefined {
    const backing = this.#backing;
    return 'state' in backing ? backing.state : undefined;
  }

  /**
   * @internal
   * Runs operation `op`: `local(state, signal)` in the owner, a call to the owner elsewhere.
   * With `{ timeout, signal }`, the local run gets an AbortSignal that aborts with the coded
   * error; the remote run cancels in the owner (see Peer.call).
   */
  protected _run<R>(
    call: string,
    op: string,
    args: unknown[],
    options: (BlockingOptions & Pick<CallOptions, 'onNotSent'>) | undefined,
    local: (state: S, signal?: AbortSignal) => R | Promise<R>,
  ): Promise<R> {
    const backing = this.#backing;
    if ('handle' in backing) return runtime().call<R>(backing.handle, op, args, { call, ...options });
    if (options?.timeout === undefined && options?.signal === undefined) {
      try {
        const result = local(backing.state);
        // A call that must wait keeps this process alive while another could end the wait (see keep-alive.ts).
        return result instanceof Promise ? runtime().keepAliveWhile(result) : Promise.resolve(result);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return runtime().keepAliveWhile(runLocally(call, options, (signal) => local(backing.state, signal)));
  }

  /** @internal Sends `op` without waiting for its outcome (only for operations that cannot fail once checked locally). */
  protected _post(op: string, args: unknown[], local: (state: S) => void): void {
    const backing = this.#backing;
    if ('handle' in backing) runtime().post(backing.handle, op, args);
    else local(backing.state);
  }

  /** `<Lock owner=123 id=4 local>`. */
  toString(): string {
    const backing = this.#backing;
    const [owner, id] = 'state' in backing ? [process.pid, backing.id] : [backing.handle.owner.pid, backing.handle.id];
    return `<${this.constructor.name} owner=${owner} id=${id}${this.isOwner ? ' local' : ''}>`;
  }
}

async function runLocally<R>(call: string, options: BlockingOptions, work: (signal: AbortSignal) => R | Promise<R>): Promise<R> {
  using deadline = new Deadline(call, options);
  return await work(deadline.signal);
}

/**
 * Rebuilds a shared object from a handle: the owner's own object in the owner,
 * else a proxy made by `makeProxy`.
 */
export function fromHandle<T>(handle: Handle, makeProxy: (options: ProxyOptions) => T): T {
  if (handle.owner.pid === process.pid) {
    const state = runtime().get(handle.id);
    const own = state && publicObjects.get(state);
    if (own) return own as unknown as T;
  }
  return makeProxy({ [PROXY]: handle });
}
