/**
 * @multiproc/wire — the transport every multiproc package talks through:
 * length-prefixed msgpack frames, a batched {@link Channel}, the codec with its
 * passable-object registry, `{ timeout, signal }` deadlines, and the coded errors.
 *
 * @packageDocumentation
 */
export * from './errors.js';
export * from './blocking.js';
export { Codec } from './codec.js';
export { registerErrorClass, encodeError, decodeError, type EncodedError, type ErrorClass } from './error-codec.js';
export { registerPassable, registerInternalPassable, type PassableType } from './passable.js';
export { exportedName, importedFrom, type ExportCandidate } from './module-scan.js';
export { isLoadedModule } from './loaded-scripts.js';
export { FrameDecoder, FRAME_HEADER_BYTES, DEFAULT_MAX_FRAME_BYTES, PLACE_HEAD_BYTES, type FramePlacer, type OnFrame } from './frame-decoder.js';
export { Channel, type ChannelOptions } from './channel.js';
export { BulkMessage } from './bulk-ring.js';
export { FIRST_USER_EXT, LAST_USER_EXT } from './extension-types.js';
export { runtime, Runtime, type AttachOptions } from './runtime/runtime.js';
export { Peer, type Batch, type CallOptions, type PeerOptions, type ObjectTable } from './runtime/peer.js';
export type { Owned, CallContext, Handle, OwnerAddress, BatchReceipt } from './runtime/owned.js';
export type { TaggedMessage } from './runtime/messages.js';
export { allowModuleImports, importUserModule, userModuleImport, type UserImport } from './runtime/user-imports.js';
export { UnixTransport, privateSocketDir, sweepSocketDirs, type Transport } from './runtime/transport.js';
export { fromHandle, registerPublicObject } from './runtime/shared-object.js';
export { runLocalWait } from './runtime/local-wait.js';
export { checkSendable } from './sendable.js';
export { LOCAL_KIND, LOCAL_CAPABILITIES, localRef, isLocalRef, handleOf, type LocalRef } from './runtime/local-ref.js';
export { serveOps, opClient, postOp, type OpSpec, type OpSignatures, type OpTable, type OpArgs, type OpResult, type OpHandlers, type OpService, type OpClient } from './runtime/operations.js';
export { BACKEND, OPENED, WAITERS, registerBackendKind, backendFor, type BackendCapabilities, type ObjectRef } from './backend.js';
export { noteTransfer, noteRequiredModule, currentDecodeContext, type Transfer } from './encode-context.js';
export { WAITABLE, type Waitable, type HasWaitable } from './waitable.js';
export { holdReading } from './hold-reading.js';
export { cleanUpAtExit } from './exit-cleanup.js';
export { BusyPoll, busyPoll, setBusyPoll, DEFAULT_BUSY_POLL_MICROS, MAX_BUSY_POLL_MICROS } from './busy-poll.js';
export { setDefaultBackend, defaultBackend, registerBackendOpener, type BackendOptions, type BackendOpener } from './default-backend.js';
