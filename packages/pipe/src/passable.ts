/**
 * Makes Connection passable: the socket moves to the receiving process beside
 * the message (see wire's encode-context.ts and @multiproc/process's handle-passing.ts).
 *
 * @module
 */
import type { Socket } from 'node:net';
import { currentDecodeContext, noteTransfer, ProtocolError, registerInternalPassable, runtime, type Peer } from '@multiproc/wire';
import { Connection } from './connection.js';

/** Type code of Connections in messages (see wire's extension-types.ts). */
const CONNECTION_EXT = 7;

interface ConnectionData {
  /** Transfer id of the socket. */
  x: number;
  r: boolean;
  w: boolean;
}

registerInternalPassable<Connection<unknown>, ConnectionData>({
  type: CONNECTION_EXT,
  Class: Connection,
  module: import.meta.url,
  encode: (connection) => ({
    x: connection._transfer((socket, undo) => noteTransfer(socket, 'A Pipe end (Connection)', undo)),
    r: connection.readable,
    w: connection.writable,
  }),
  decode: ({ x, r, w }) => {
    const from = currentDecodeContext() as Peer | undefined;
    if (!from) throw new ProtocolError('a Pipe end (Connection) arrived on a channel that cannot carry OS handles; closing it.');
    return new Connection({ socket: runtime().claimHandle(from.pid, x) as Promise<Socket>, readable: r, writable: w });
  },
});
