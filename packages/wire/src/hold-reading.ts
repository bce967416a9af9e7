/**
 * Stops a socket from reading until someone uses it.
 *
 * Node starts reading a socket as soon as it is connected or arrives over the
 * IPC channel, into the stream's buffer. A socket that is only passing through
 * a process (a Pipe end handed on to a grandchild) would keep those bytes
 * behind when its file descriptor moves on. Called synchronously where the
 * socket appears, before the event loop can poll it, no byte is read; the
 * first `resume()` (a Channel's) starts reading again.
 *
 * @module
 */
import type { Socket } from 'node:net';

interface ReadableHandle {
  reading?: boolean;
  readStop?: () => number;
}

/** See the module comment. */
export function holdReading(socket: Socket): void {
  const internals = socket as unknown as { _handle?: ReadableHandle; _readableState?: { reading: boolean } };
  const handle = internals._handle;
  if (handle?.reading) {
    handle.reading = false;
    handle.readStop?.();
    // The stream still believes a read is in progress and would never ask the handle again.
    if (internals._readableState) internals._readableState.reading = false;
  }
  socket.pause();
}
