/**
 * OS handles (Pipe ends) travelling beside messages between a parent and its
 * child, on Node's IPC channel — the one thing that channel is used for.
 * A message that refers to a handle carries its transfer id; the handle
 * arrives here with the same id and is handed to the runtime.
 *
 * @module
 */
import type { Socket } from 'node:net';
import { runtime, type Transfer } from '@multiproc/wire';

/** The IPC message that carries one handle. */
interface HandleMessage {
  multiproc: 'handle';
  id: number;
}

const isHandleMessage = (message: unknown): message is HandleMessage =>
  typeof message === 'object' && message !== null && (message as HandleMessage).multiproc === 'handle';

/** Something that can send a message with a handle: a ChildProcess, or `process` in a child. */
type HandleSender = { send?: (message: HandleMessage, handle?: Socket) => boolean };

/** The `transfer` function of a peer whose IPC channel is `sender`. */
export function handleSender(sender: HandleSender): (transfers: Transfer[]) => void {
  return (transfers) => {
    for (const { id, handle } of transfers) {
      // A Pipe end made a moment ago may still be connecting: its handle is then a promise.
      void Promise.resolve(handle).then((ready) => sender.send!({ multiproc: 'handle', id }, ready as Socket));
    }
  };
}

/** Hands handles that arrive on `source`'s IPC channel, sent by process `pid`, to the runtime. */
export function receiveHandles(source: NodeJS.EventEmitter, pid: number): void {
  source.on('message', (message: unknown, handle: unknown) => {
    if (isHandleMessage(message) && handle) runtime().deliverHandle(pid, message.id, handle as object);
  });
}
