/**
 * The runtime's messages between two peers. Other layers (the process boot
 * protocol, the pool) share a peer's channel with their own tags; anything the
 * runtime does not know goes to the peer's `onOther` handler, which must
 * reject what it does not know either.
 *
 * @module
 */

/** A call on an object the receiving side owns. */
export interface CallMessage {
  t: 'call';
  /** Request id, unique per peer and direction. */
  id: number;
  /** The owned object's id. */
  obj: number;
  /** The operation, e.g. `'get'`, `'acquire'`. */
  op: string;
  args: unknown[];
  /** For a batch: the caller's slot in its receipts file, where it records the items it used (see ack-journal.ts). */
  s?: number;
}

/** Asks the owner to give up on call `id` if it has not been served yet. */
export interface CancelMessage {
  t: 'cancel';
  id: number;
}

/** The outcome of call `id`: a value, or an error. */
export interface ReplyMessage {
  t: 'reply';
  id: number;
  ok: boolean;
  value: unknown;
  /**
   * Set when the owner needs a receipt: it keeps the value (a queue item) until the receipt arrives.
   * 1: receipt on arrival (the Peer sends it); 2: a batch, whose caller acknowledges items as it uses them.
   */
  r?: 1 | 2;
}

/** Receipt for a reply sent with `r`: the caller has it, the owner may forget it. */
export interface ReceiptMessage {
  t: 'receipt';
  id: number;
  /** For a batch (r: 2): how many more of its items the caller used. */
  n?: number;
  /** For a batch: the caller gives the items it did not use back, now. */
  back?: true;
}

/** A call whose reply is not wanted (fire-and-forget: `taskDone`, `release`, `close`). */
export interface PostMessage {
  t: 'post';
  obj: number;
  op: string;
  args: unknown[];
}

/** The caller's receipts file (see ack-journal.ts), named once per connection before its first batch call. */
export interface AcksMessage {
  t: 'acks';
  path: string;
}

/** Every message the runtime itself handles. */
export type RuntimeMessage = CallMessage | CancelMessage | ReplyMessage | PostMessage | ReceiptMessage | AcksMessage;

/** Any message with a string tag `t`. */
export interface TaggedMessage {
  t: string;
}

const RUNTIME_TAGS = new Set(['call', 'cancel', 'reply', 'post', 'receipt', 'acks']);

/** True for the runtime's own messages. */
export function isRuntimeMessage(message: TaggedMessage): message is RuntimeMessage {
  return RUNTIME_TAGS.has(message.t);
}
