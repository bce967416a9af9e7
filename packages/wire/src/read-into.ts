/**
 * Reading a socket into buffers the reader chooses.
 *
 * By default a Node socket reads at most 64 KiB at a time into a buffer it
 * allocates, and a 1 MiB message is then joined from 16 or more of them: a
 * copy, and a read and an allocation each. Node's `onread` option instead
 * lets the reader say where each read goes — for a large frame, the rest of
 * that frame's own buffer, so the kernel copies the bytes once, where they
 * will stay (FrameDecoder.readBuffer). It measured about twice the
 * throughput of 'data' events for 1 MiB messages on this project's machine.
 *
 * `onread` is an option of the socket's constructor, and our sockets are made
 * by Node (accepted, or arrived over an IPC channel). The option only stores
 * three values on the socket under Node's internal symbols and tells the
 * handle to read into a user buffer; this does the same for a socket that
 * exists, finding the symbols on a socket made with the option. Where any
 * part of that is missing (another runtime, a Node that changed it, a stream
 * that is not a socket), it does nothing and the caller reads 'data' events.
 *
 * @module
 */
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/** Where a read should go, and what it wrote there (see FrameDecoder.readBuffer / wrote). */
export interface ReadTarget {
  readBuffer(): Buffer;
  /** `n` bytes arrived at the start of the last `readBuffer()`. Returning false pauses reading. */
  wrote(n: number): boolean | void;
}

interface OnreadSymbols {
  buffer: symbol;
  callback: symbol;
  generator: symbol;
}

interface UserBufferHandle {
  reading?: boolean;
  useUserBuffer?: (buffer: Uint8Array) => void;
}

let symbols: OnreadSymbols | null | undefined;

/** Node's symbols for the `onread` option, found on a socket made with it (null: not this way in this runtime). */
function onreadSymbols(): OnreadSymbols | null {
  if (symbols !== undefined) return symbols;
  symbols = null;
  try {
    // (Node's types declare `onread` for connect() only; the constructor takes it too.)
    const probe = new Socket({ onread: { buffer: () => Buffer.alloc(1), callback: () => true } } as ConstructorParameters<typeof Socket>[0]);
    const named = new Map(Object.getOwnPropertySymbols(probe).map((symbol) => [symbol.description, symbol]));
    const buffer = named.get('kBuffer');
    const callback = named.get('kBufferCb');
    const generator = named.get('kBufferGen');
    if (buffer && callback && generator) symbols = { buffer, callback, generator };
  } catch {
    // No onread here: 'data' events it is.
  }
  return symbols;
}

/**
 * From now on, `stream`'s reads go where `target` says, and its bytes reach `target` instead of
 * 'data' events ('end', 'close', 'error', pause() and resume() behave as before). Data the stream
 * had already read and buffered is given to `onBuffered` first.
 *
 * @returns false when this cannot be done here (nothing was changed): read 'data' events instead.
 */
export function readInto(stream: Duplex, target: ReadTarget, onBuffered: (chunk: Buffer) => void): false | (() => void) {
  const found = onreadSymbols();
  if (!found || !(stream instanceof Socket)) return false;
  const handle = (stream as unknown as { _handle?: UserBufferHandle | null })._handle;
  const slots = stream as unknown as Record<symbol, unknown>;
  if (!handle || typeof handle.useUserBuffer !== 'function' || slots[found.buffer]) return false;
  // Bytes already read (e.g. pushed back after a handshake) come first.
  for (let chunk = stream.read() as Buffer | null; chunk !== null; chunk = stream.read() as Buffer | null) onBuffered(chunk);
  const first = target.readBuffer();
  slots[found.buffer] = first;
  slots[found.callback] = (n: number) => target.wrote(n);
  slots[found.generator] = () => target.readBuffer();
  handle.useUserBuffer(first);
  // The handle's next read is fixed when the last one returns: after the target moved its bytes elsewhere, point it there.
  return () => {
    if (!(stream as unknown as { _handle?: unknown })._handle) return;
    const next = target.readBuffer();
    slots[found.buffer] = next;
    handle.useUserBuffer!(next);
  };
}
