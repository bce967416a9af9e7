/**
 * Operations named once. Each primitive declares its operations in one table
 * (CPython's `_exposed_`): the op names are the table's keys, typed by an
 * interface of call signatures. The owner's `dispatch` is built from the table
 * and a handler per op ({@link serveOps}); the proxy calls through a client whose
 * methods are made from the same table ({@link opClient}). So an op is spelled
 * once, as a property name, and a missing handler, a misspelt op or an argument
 * of the wrong type is a compile error on either side. The wire format is the
 * runtime's: the op's name travels as the call's `op` string.
 *
 * @module
 */
import { ProtocolError } from '../errors.js';
import type { Batch, CallOptions, Peer } from './peer.js';
import type { CallContext, Handle } from './owned.js';
import { runtime } from './runtime.js';

/** How one operation travels. */
export interface OpSpec {
  /** Its reply is a batch the caller acknowledges item by item (a queue's take): see `CallContext.needReceipt`. */
  readonly batch?: boolean;
}

/** Call signatures of a primitive's operations, as the owner serves them: `op(...args) => result`. */
export type OpSignatures = { [op: string]: (...args: never[]) => unknown };

/** The table of a primitive's operations: exactly one entry per op of `S`. */
export type OpTable<S extends OpSignatures> = { readonly [K in keyof S]: OpSpec };

/** The arguments of op `K`, as they travel. */
export type OpArgs<S extends OpSignatures, K extends keyof S> = Parameters<S[K]>;

/** The result of op `K`. */
export type OpResult<S extends OpSignatures, K extends keyof S> = Awaited<ReturnType<S[K]>>;

/**
 * The owner's handler of each op: `(state, args, context)`. Returns the result or a Promise of it; throws (or
 * rejects) a coded error for the caller.
 */
export type OpHandlers<S extends OpSignatures, State> = {
  readonly [K in keyof S]: (state: State, args: OpArgs<S, K>, context: CallContext) => OpResult<S, K> | Promise<OpResult<S, K>>;
};

/** A served table: what an owned object's `dispatch` calls. */
export interface OpService<State> {
  /** Serves `op` on `state`; an op the table does not have is a `ProtocolError` (the connection closes). */
  dispatch(state: State, op: string, args: unknown[], context: CallContext): unknown;
}

/**
 * Builds the owner's dispatch for a table: one handler per op, looked up in a Map (a hostile peer naming
 * `__proto__` or `constructor` finds nothing).
 *
 * @param name - the primitive, for the error on an unknown op.
 */
export function serveOps<S extends OpSignatures, State>(name: string, table: OpTable<S>, handlers: OpHandlers<S, State>): OpService<State> {
  type Handler = (state: State, args: unknown[], context: CallContext) => unknown;
  const byName = new Map<string, Handler>();
  for (const op of Object.keys(table)) byName.set(op, handlers[op as keyof S] as unknown as Handler);
  return {
    dispatch(state, op, args, context) {
      const handler = byName.get(op);
      if (handler === undefined) throw new ProtocolError(`${name}: unknown operation '${op}'.`);
      return handler(state, args, context);
    },
  };
}

/** A proxy's calls of op `K`: a reply, or a batch reply for ops marked `batch`. */
type ClientCall<S extends OpSignatures, T extends OpTable<S>, K extends keyof S> = (
  args: OpArgs<S, K>,
  options: CallOptions,
) => T[K] extends { batch: true } ? Promise<Batch<OpResult<S, K>>> : Promise<OpResult<S, K>>;

/** What a proxy calls: one method per op (the reply), and `post` (no reply wanted). */
export type OpClient<S extends OpSignatures, T extends OpTable<S>> = { readonly [K in keyof S]: ClientCall<S, T, K> } & {
  /** Sends op `K` without waiting for a reply (only for ops that cannot fail once checked by the caller). */
  post<K extends keyof S & string>(op: K, args: OpArgs<S, K>): void;
  /** The handle it calls. */
  readonly handle: Handle;
};

/** The prototype of each table's clients, made once per table. */
const prototypes = new WeakMap<object, object>();

/**
 * A client for the object `handle` points at: `client.put([item], { call: 'Queue.put()' })` calls op `put` of the
 * table in the owner. Its methods are made once per table, on a shared prototype.
 */
export function opClient<S extends OpSignatures, T extends OpTable<S>>(table: T, handle: Handle): OpClient<S, T> {
  let prototype = prototypes.get(table);
  if (!prototype) {
    const methods: Record<string, unknown> = {
      post(this: { handle: Handle }, op: string, args: unknown[]) {
        runtime().post(this.handle, op, args);
      },
    };
    for (const [op, spec] of Object.entries(table as Record<string, OpSpec>)) {
      methods[op] = spec.batch
        ? function (this: { handle: Handle }, args: unknown[], options: CallOptions) {
            return runtime().callBatch(this.handle, op, args, options);
          }
        : function (this: { handle: Handle }, args: unknown[], options: CallOptions) {
            return runtime().call(this.handle, op, args, options);
          };
    }
    prototype = methods;
    prototypes.set(table, prototype);
  }
  const client = Object.create(prototype) as { handle: Handle };
  client.handle = handle;
  return client as unknown as OpClient<S, T>;
}

/**
 * Posts op `op` of a table to object `obj` of the process at the other end of `peer` (no reply wanted): for an owner
 * that calls back an object its caller registered (a lessee's lease desk).
 */
export function postOp<S extends OpSignatures, K extends keyof S & string>(peer: Peer, obj: number, _table: OpTable<S>, op: K, args: OpArgs<S, K>): void {
  peer.post(obj, op, args);
}
