/**
 * What encoding one message found that its channel must act on, and who a
 * message is being decoded from. Encoding and decoding are synchronous, so a
 * module-level "current context" is safe.
 *
 * - modules: passable types' modules the receiver must import first (see required-modules.ts);
 * - transfers: OS handles (Pipe ends) that must travel beside the message on
 *   Node's IPC channel, which only parent↔child channels have.
 *
 * @module
 */
import { EncodeError } from './errors.js';

/** An OS handle travelling beside a message. */
export interface Transfer {
  /** Matches the handle to the place in the message that refers to it. */
  id: number;
  /** The socket (or other handle `child.send` accepts), or a promise of it while it is still being made. */
  handle: object | Promise<object>;
  /** Undoes the hand-over if the message it belongs to could not be encoded after all. */
  undo?: (() => void) | undefined;
}

/** Filled while one message is encoded. */
export interface EncodeContext {
  modules: string[];
  transfers: Transfer[];
  /** Whether this channel can carry handles (it has an IPC channel beside it). */
  canTransfer: boolean;
  /** Names the channel in errors. */
  name: string;
}

let encoding: EncodeContext | undefined;
let decoding: unknown;
let nextTransferId = 0;

/**
 * Makes `context` the current encode context and returns the one it replaces, to be put back with the same call when
 * the encode is over (in a `finally`). A pair of calls rather than a callback: no closure per message.
 */
export function swapEncodeContext(context: EncodeContext | undefined): EncodeContext | undefined {
  const outer = encoding;
  encoding = context;
  return outer;
}

/** Called by a passable's encoder: the message being encoded needs `module` to be decoded. */
export function noteRequiredModule(module: string | undefined): void {
  if (module && encoding && !encoding.modules.includes(module)) encoding.modules.push(module);
}

/**
 * Called by a passable's encoder for a handle that must travel with the message.
 *
 * @returns the id to write into the message.
 * @throws {EncodeError} `ERR_ENCODE` when the message is not going over a channel that can carry handles.
 */
export function noteTransfer(handle: object | Promise<object>, what: string, undo?: () => void): number {
  if (!encoding?.canTransfer) {
    throw new EncodeError(
      `${what} can only be passed to a child process or back to the parent (over the channel a Process opens), ` +
        `not over ${encoding ? encoding.name : 'this codec'}: the OS handle travels on Node's IPC channel.`,
    );
  }
  const id = ++nextTransferId;
  encoding.transfers.push({ id, handle, undo });
  return id;
}

/**
 * Makes `context` (for a peer's channel: the Peer) the current decode context and returns the one it replaces, to be
 * put back with the same call when the decode is over (see {@link swapEncodeContext}).
 */
export function swapDecodeContext(context: unknown): unknown {
  const outer = decoding;
  decoding = context;
  return outer;
}

/** What the channel decoding the current message says about its sender (for a peer's channel: the Peer). */
export function currentDecodeContext(): unknown {
  return decoding;
}
