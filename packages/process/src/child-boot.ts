/**
 * The child's boot, imported by its entry point (child-main.ts) once the
 * parent is watched. It has no exports.
 *
 * 1. reads the boot message from the parent channel (fd 4);
 * 2. finds the target — importing its module with `bootstrapping` set, so a
 *    module that starts processes at top level fails clearly instead of
 *    forking without end — and rebuilds this child's Process object;
 * 3. calls its `run()`. When it returns the child ends once its event loop is
 *    empty, like any Node program; when it throws, the error is printed to
 *    stderr with its stack and the child exits with code 1, as in Python.
 *
 * @module
 */
import module from 'node:module';
import { Socket } from 'node:net';
import { ProtocolError, runtime } from '@multiproc/wire';
import { handleSender, receiveHandles } from './handle-passing.js';
import { currentProcessObject, Process } from './process.js';
import type { ChildMessage, FunctionRef, ParentMessage } from './protocol.js';
import { explainSourceError, loadFunction } from './resolve-target.js';
import { isParentDeathEcho } from './parent-death-echo.js';
import { runtimeState } from './runtime-state.js';
import { CHANNEL_FD, SPARE_ENV, SPARE_READY } from './child-env.js';

// node:util is loaded when an error is printed: an ESM import of it reads every export (~3 ms at boot).
const inspect = (value: unknown) => process.getBuiltinModule('node:util').inspect(value);

// Node's IPC channel only carries OS handles (Pipe ends); it must never keep the child alive.
receiveHandles(process, process.ppid);
(process.channel as { unref?: () => void } | undefined)?.unref?.();

let booted = false;
const spare = process.env[SPARE_ENV] !== undefined;
delete process.env[SPARE_ENV];
const socket = new Socket({ fd: CHANNEL_FD, readable: true, writable: true });
// A spare (spares.ts) says it has booted, before the channel carries frames; the parent reads that byte.
if (spare) socket.write(Buffer.of(SPARE_READY));
const parent = runtime().attach(socket, process.ppid, {
  name: 'channel to parent',
  transfer: handleSender(process),
  onOther: (message) => {
    if (message.t !== 'boot' || booted) {
      throw new ProtocolError(`child ${process.pid}: unexpected message from the parent: ${inspect(message).slice(0, 200)}`);
    }
    booted = true;
    // From here the child lives as long as its own work does.
    parent.release();
    void boot(message as ParentMessage);
  },
  onClose: (error) => {
    if (booted) return;
    // A spare that was never taken: its parent ended, or no longer wanted it.
    if (spare) process.exit(0);
    void fail('the parent channel closed before the boot message arrived', error);
  },
});
// Until the boot message arrives, the channel is all that keeps this process alive.
parent.hold();

async function boot(message: ParentMessage): Promise<void> {
  const state = runtimeState();
  runtime().adoptSecret(message.secret);
  state.identity = message.identity;
  state.parentName = message.parentName;
  const { target } = message;
  let instance: Process;
  let ref: FunctionRef | undefined;
  let fromSource = false;
  state.bootstrapping = true;
  try {
    const options = { name: message.name, daemon: message.daemon, identity: message.identity };
    if (target.kind === 'subclass') {
      ref = target.ref;
      const loaded = await loadFunction(ref, { Process });
      fromSource = loaded.fromSource;
      instance = currentProcessObject(loaded.fn as typeof Process, options);
      Object.assign(instance, target.fields);
    } else if (target.kind === 'function') {
      ref = target.ref;
      const loaded = await loadFunction(ref, {});
      fromSource = loaded.fromSource;
      instance = currentProcessObject(Process, { ...options, target: loaded.fn as (...args: unknown[]) => unknown, args: target.args });
    } else {
      instance = currentProcessObject(Process, options);
    }
  } catch (error) {
    return fail(`could not load the target`, error);
  } finally {
    state.bootstrapping = false;
  }
  state.current = instance;
  try {
    parent.send({ t: 'running' } satisfies ChildMessage);
    // What this boot compiled goes to the cache now: a child often ends by a signal, and then never writes it.
    (module as { flushCompileCache?: () => void }).flushCompileCache?.();
    await instance.run();
  } catch (error) {
    await fail(undefined, ref ? explainSourceError(error, ref, fromSource) : error);
  }
}

async function fail(what: string | undefined, error: unknown): Promise<void> {
  if (isParentDeathEcho(error, parent.closed)) process.exit(1);
  const name = runtimeState().current?.name ?? `child ${process.pid}`;
  process.stderr.write(`Process ${name}${what ? `: ${what}` : ''}:\n${inspect(error)}\n`);
  process.exitCode = 1;
  if (!parent.closed) {
    const message = (error: unknown): ChildMessage => ({ t: 'failed', error });
    try {
      parent.send(message(error));
    } catch {
      parent.send(message(String(error)));
    }
    const timeout = setTimeout(() => parent.destroy(), 1000).unref();
    await parent.close();
    clearTimeout(timeout);
  }
  process.exit(1);
}
