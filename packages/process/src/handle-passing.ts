/**
 * OS handles (Pipe ends) travelling beside messages between a parent and its
 * child, on Node's IPC channel — the one thing that channel is used for.
 * A message that refers to a handle carries its transfer id; the handle
 * arrives here with the same id and is handed to the runtime.
 *
 * @module
 */
import type { Socket } from 'node:net';
import { holdReading, runtime, type Transfer } from '@multiproc/wire';

/** The IPC message that carries one handle. */
interface HandleMessage {
  multiproc: 'handle';
  id: number;
  /** Bytes this process's stream had already read from the socket (base64): they go first on the other side. */
  buffered?: string;
}

const isHandleMessage = (message: unknown): message is HandleMessage =>
  typeof message === 'object' && message !== null && (message as HandleMessage).multiproc === 'handle';

/** Something that can send a message with a handle: a ChildProcess, or `process` in a child. */
type HandleSender = { send?: (message: HandleMessage, handle: Socket, options: { keepOpen: boolean }, callback: (error: Error | null) => void) => boolean };

/** The `transfer` function of a peer whose IPC channel is `sender`. */
export function handleSender(sender: HandleSender): (transfers: Transfer[]) => void {
  return (transfers) => {
    for (const { id, handle } of transfers) {
      // A Pipe end made a moment ago may still be connecting: its handle is then a promise.
      void Promise.resolve(handle).then((ready) => {
        const socket = ready as Socket;
        // A socket passing through (a grandchild's Pipe end) may have read bytes into its stream
        // buffer; they travel with it. No event-loop turn separates this read from the send.
        const buffered = socket.readableLength > 0 ? (socket.read() as Buffer | null) : null;
        const message: HandleMessage = { multiproc: 'handle', id };
        if (buffered?.length) message.buffered = buffered.toString('base64');
        // This process's copy is closed once the message is written (the descriptor travels in it from then on), or
        // could not be (the receiver is gone). Left to Node (keepOpen: false), it is closed only when the receiver
        // acknowledges it: never, if the receiver dies first (a pool worker killed while starting), nor when the
        // channel was already closed.
        sender.send!(message, socket, { keepOpen: true }, () => socket.destroy());
      }).catch((error: unknown) => {
        // The socket could not be made (e.g. out of file descriptors): the receiver's end reports
        // it as gone when its peer closes; this process must not crash on it.
        process.emitWarning(`multiproc: a Pipe end could not be passed on: ${String(error)}`);
      });
    }
  };
}

/** Hands handles that arrive on `source`'s IPC channel, sent by process `pid`, to the runtime. */
export function receiveHandles(source: NodeJS.EventEmitter, pid: number): void {
  source.on('message', (message: unknown, handle: unknown) => {
    if (!isHandleMessage(message) || !handle) return;
    const socket = handle as Socket;
    holdReading(socket);
    if (message.buffered) socket.unshift(Buffer.from(message.buffered, 'base64'));
    runtime().deliverHandle(pid, message.id, handle as object);
  });
}
