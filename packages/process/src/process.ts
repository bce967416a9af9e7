/**
 * `Process`: Python's `multiprocessing.Process` for Node.js (parent side).
 *
 * Lifecycle, guarded in one place (`#state`):
 *   initial --start()--> started --(child exits)--> exited --close()--> closed
 * A Process object that stands for the process we are running in (the main
 * process, or a child's own Process rebuilt by child-main.ts) is `self` and can
 * be neither started nor joined.
 *
 * @module
 */
import type { ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import {
  checkTimeout,
  ClosedError,
  InvalidArgumentError,
  InvalidStateError,
  ProtocolError,
  TimeoutError,
  runtime,
  WAITABLE,
  withDeadline,
  type BlockingOptions,
  type Peer,
  type TaggedMessage,
  type Waitable,
} from '@multiproc/wire';
import { callerModule } from './call-site.js';
import { handleSender, receiveHandles } from './handle-passing.js';
import { trackChild, untrackChild } from './exit-hooks.js';
import type { ChildMessage, ParentMessage, TargetSpec } from './protocol.js';
import { checkOptionsObject, refusePositionalTarget } from './python-habits.js';
import { runtimeState } from './runtime-state.js';
import { assertMayStartProcesses } from './start-guard.js';
import { forkChild, type SpawnOptions } from './spawn.js';
import { describeFunction, type ModuleLocation } from './target-ref.js';

/** Options of a {@link Process}. */
export interface ProcessOptions<Args extends unknown[] = unknown[]> extends SpawnOptions {
  /**
   * What the child runs: a function (exported from its module, or self-contained
   * so it can be sent by its source), or the name of an export of `module`.
   */
  target?: ((...args: Args) => unknown) | string | undefined;
  /** Arguments for `target`; anything the codec can pass, including Queue/Lock/Pipe handles. */
  args?: Args | undefined;
  /** The process's name. @default "Process-N" (Python's naming, e.g. "Process-1:2" for a grandchild) */
  name?: string | undefined;
  /** A daemon child is terminated when its parent exits, and does not keep the parent alive. @default false (or the parent's daemon flag) */
  daemon?: boolean | undefined;
  /** The module that exports `target` (or this subclass): `import.meta`, a URL, or an absolute path. @default found from the call site */
  module?: ModuleLocation | undefined;
  /** The export's name in `module`, when it differs from the function's name. @default target.name */
  exportName?: string | undefined;
}

/** Options of {@link Process.terminate}. */
export interface TerminateOptions {
  /** Milliseconds between SIGTERM and the SIGKILL that follows if the child is still alive. @default 3000 */
  graceMs?: number;
}

/** @internal Marks the construction of a Process that stands for the current process. */
export const SELF = Symbol('multiproc.process.self');

type State = 'initial' | 'started' | 'exited' | 'closed' | 'self';

const DEFAULT_GRACE_MS = 3000;
/** How long an exited child's channel may stay open to deliver its last messages. */
const CHANNEL_LINGER_MS = 1000;

/**
 * A child process running a target function, or the `run()` method of a subclass.
 *
 * @example
 * ```ts
 * import { Process, isMainModule } from '@multiproc/process';
 *
 * export function greet(name: string) { console.log(`hello ${name} from ${process.pid}`); }
 *
 * if (isMainModule(import.meta)) {
 *   const p = new Process({ target: greet, args: ['world'] });
 *   p.start();
 *   await p.join();
 *   console.log(p.exitCode); // 0
 * }
 * ```
 */
export class Process<Args extends unknown[] = any[]> {
  #state: State = 'initial';
  #name: string;
  #daemon: boolean;
  readonly #identity: number[];
  readonly #target: ((...args: Args) => unknown) | string | undefined;
  readonly #args: Args;
  readonly #module: ModuleLocation | undefined;
  readonly #exportName: string | undefined;
  readonly #spawnOptions: SpawnOptions;
  readonly #caller: string | undefined;
  #child: ChildProcess | undefined;
  #peer: Peer | undefined;
  #pid: number | undefined;
  #exitCode: number | null = null;
  #signalCode: NodeJS.Signals | null = null;
  #exited: Promise<void> | undefined;
  #killTimer: NodeJS.Timeout | undefined;
  #joiners = 0;

  /**
   * Describes the child; nothing starts until `start()`. The target is found
   * here (from the call site, or `module`), so a target that cannot be found
   * again in the child is reported by `start()` or by the child, with advice.
   *
   * @param options - `target`, `args`, `name` (@default "Process-N"), `daemon` (@default the parent's),
   *   `module`, `exportName`, and the spawn options `execArgv`, `env`, `cwd` ({@link ProcessOptions}).
   * @throws {InvalidArgumentError} `ERR_INVALID_ARGUMENT` when options is not an object (Python's
   *   `Process(work, [1])` is told to write `new Process({ target: work, args: [1] })`), `target` is
   *   neither a function nor a name, or `args` is not an array.
   */
  constructor(options: ProcessOptions<Args> = {}) {
    // eslint-disable-next-line prefer-rest-params -- Python's Process(target, args): the second argument is in the message
    if (typeof options === 'function') refusePositionalTarget(options, arguments[1]);
    if (typeof options !== 'object' || options === null) {
      throw new InvalidArgumentError(`new Process(): options must be an object, got ${String(options)}.`);
    }
    const { target, args, name, daemon, module, exportName, execArgv, env, cwd } = options;
    if (target !== undefined && typeof target !== 'function' && typeof target !== 'string') {
      throw new InvalidArgumentError(`new Process(): target must be a function or an export name, got ${typeof target}.`);
    }
    if (args !== undefined && !Array.isArray(args)) {
      throw new InvalidArgumentError(`new Process(): args must be an array, got ${typeof args}. Write args: [value].`);
    }
    const state = runtimeState();
    const self = (options as Record<symbol, unknown>)[SELF] as { identity: number[] } | undefined;
    this.#target = target;
    this.#args = (args ?? []) as Args;
    this.#module = module;
    this.#exportName = exportName;
    this.#spawnOptions = { execArgv, env, cwd };
    if (self) {
      this.#state = 'self';
      this.#identity = self.identity;
      this.#pid = process.pid;
      this.#caller = undefined;
    } else {
      this.#identity = [...state.identity, ++state.childCounter];
      this.#caller = callerModule();
    }
    this.#name = name ?? (self ? 'MainProcess' : `Process-${this.#identity.join(':')}`);
    this.#daemon = daemon ?? state.current?.daemon ?? false;
  }

  /** The process's name; settable until it starts. */
  get name(): string {
    return this.#name;
  }
  set name(value: string) {
    if (typeof value !== 'string') throw new InvalidArgumentError('Process.name must be a string.');
    this.#name = value;
  }

  /** Whether this is a daemon process; settable until it starts. */
  get daemon(): boolean {
    return this.#daemon;
  }
  set daemon(value: boolean) {
    if (this.#state !== 'initial') {
      throw new InvalidStateError(`Process.daemon: ${this.#name} has already started; set daemon before start().`);
    }
    this.#daemon = Boolean(value);
  }

  /** The OS process id; undefined until `start()`. */
  get pid(): number | undefined {
    return this.#pid;
  }

  /** Python's `ident`: the same as `pid`. */
  get ident(): number | undefined {
    return this.#pid;
  }

  /**
   * The exit code: null while running (or not started); the code the child
   * exited with; or, as in Python, minus the signal number if a signal ended it
   * (-15 for SIGTERM, -9 for SIGKILL).
   */
  get exitCode(): number | null {
    return this.#exitCode;
  }

  /** The signal that ended the child (`'SIGTERM'`, `'SIGKILL'`…), or null. */
  get signalCode(): NodeJS.Signals | null {
    return this.#signalCode;
  }

  /**
   * Starts the child. When it returns, `pid` is set; the target runs as soon as
   * the child has booted.
   *
   * @returns this, so `new Process({ … }).start()` can be written.
   * @throws {InvalidStateError} `ERR_INVALID_STATE` when already started, closed, or the current process.
   * @throws {BootstrapError} `ERR_PROCESS_BOOTSTRAP` when called while this process imports a user's module on
   *   multiproc's behalf (its target's, a pool task's, a passable class's): a module that starts processes unguarded.
   * @throws {EncodeError} `ERR_ENCODE` when an argument or field cannot be sent; no child is left running.
   */
  start(): this {
    this.#checkNotClosed('start');
    if (this.#state !== 'initial') {
      const why = this.#state === 'self' ? 'it is the current process' : 'a process can only be started once';
      throw new InvalidStateError(`Process.start(): cannot start ${this.#name}: ${why}.`);
    }
    assertMayStartProcesses('Process.start()', this.#caller);
    const state = runtimeState();
    const target = this.#targetSpec();
    const { child, socket } = forkChild(this.#spawnOptions);
    const peer = runtime().attach(socket, child.pid!, {
      name: `channel to ${this.#name}`,
      onOther: (message) => this.#onChildMessage(message as ChildMessage),
      transfer: handleSender(child),
    });
    receiveHandles(child, child.pid!);
    const boot: ParentMessage = {
      t: 'boot',
      name: this.#name,
      daemon: this.#daemon,
      identity: this.#identity,
      parentName: (state.current ?? null)?.name ?? 'MainProcess',
      secret: runtime().secret,
      target,
    };
    try {
      peer.send(boot);
    } catch (error) {
      peer.destroy();
      child.kill('SIGKILL');
      throw error;
    }
    this.#child = child;
    this.#peer = peer;
    this.#pid = child.pid;
    this.#state = 'started';
    this.#exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        this.#exitCode = code ?? -(constants.signals[signal as NodeJS.Signals] ?? 0);
        this.#signalCode = signal;
        this.#state = this.#state === 'closed' ? 'closed' : 'exited';
        clearTimeout(this.#killTimer);
        untrackChild(this);
        state.children.delete(this);
        this.#releaseChannel();
        resolve();
      });
    });
    // A failed spawn reports through 'error' and then 'exit'; listening keeps it from being thrown.
    child.on('error', () => {});
    state.children.add(this);
    trackChild(this, child);
    this.#applyRef();
    return this;
  }

  /**
   * Waits for the child to exit. With `timeout`, resolves when it runs out even
   * if the child is still alive (then `exitCode` is still null), as Python does.
   *
   * @param options - `timeout` in **milliseconds** (Python's `p.join(0.1)` is `p.join({ timeout: 100 })`), `signal`.
   * @throws {InvalidArgumentError} `ERR_INVALID_ARGUMENT` for a number in place of the options (Python's seconds),
   *   or a bad `timeout`.
   * @throws {InvalidStateError} `ERR_INVALID_STATE` when the process was not started, or is the current process.
   * @throws {AbortError} `ERR_ABORTED` when `signal` aborts.
   * @throws {ClosedError} `ERR_CLOSED` after `close()`.
   */
  async join(options?: BlockingOptions): Promise<void> {
    this.#checkNotClosed('join');
    checkOptionsObject('Process.join', options);
    checkTimeout('Process.join()', options?.timeout);
    if (this.#state === 'initial' || this.#state === 'self') {
      throw new InvalidStateError(
        `Process.join(): ${this.#name} ${this.#state === 'self' ? 'is the current process and cannot join itself' : 'has not been started; call start() first'}.`,
      );
    }
    if (this.#exitCode !== null) return;
    this.#joiners++;
    this.#applyRef();
    try {
      await withDeadline(`Process.join() of ${this.#name}`, options, this.#exited!);
    } catch (error) {
      if (!(error instanceof TimeoutError)) throw error;
    } finally {
      this.#joiners--;
      this.#applyRef();
    }
  }

  /**
   * True from `start()` until the child exits (always true for the current process).
   *
   * @throws {ClosedError} `ERR_CLOSED` after `close()`.
   */
  isAlive(): boolean {
    this.#checkNotClosed('isAlive');
    if (this.#state === 'self') return true;
    return this.#state === 'started';
  }

  /**
   * Asks the child to stop with SIGTERM, then SIGKILLs it if it is still alive
   * after `graceMs` milliseconds (@default 3000; `terminate(500)` is refused: write `terminate({ graceMs: 500 })`). Does nothing if it has exited. Does not
   * wait: `join()` does. Objects the child held are then handled as for any
   * death (its locks released with `ownerDied`, its queue receipts returned).
   *
   * @example
   * ```ts
   * p.terminate({ graceMs: 500 });
   * await p.join();
   * console.log(p.exitCode); // -15 (or -9 if it ignored SIGTERM)
   * ```
   */
  terminate(options: TerminateOptions = {}): void {
    checkOptionsObject('Process.terminate', options, 'graceMs');
    const grace = options.graceMs ?? DEFAULT_GRACE_MS;
    if (!this.#signal('terminate', 'SIGTERM')) return;
    clearTimeout(this.#killTimer);
    this.#killTimer = setTimeout(() => this.#child?.kill('SIGKILL'), grace).unref();
  }

  /** Ends the child at once with SIGKILL. Does nothing if it has exited. Does not wait: `join()` does. */
  kill(): void {
    this.#signal('kill', 'SIGKILL');
  }

  /**
   * Releases the Process object's resources. Afterwards only `name`, `pid`,
   * `exitCode` and `signalCode` may be used: `start()`, `join()`, `isAlive()`,
   * `terminate()` and `kill()` throw `ERR_CLOSED`. Closing twice does nothing.
   *
   * @throws {InvalidStateError} `ERR_INVALID_STATE` while the child is still running.
   */
  close(): void {
    if (this.#state === 'started') {
      throw new InvalidStateError(`Process.close(): ${this.#name} is still running; join() or terminate() it first.`);
    }
    if (this.#state === 'self') throw new InvalidStateError('Process.close(): cannot close the current process.');
    this.#state = 'closed';
    this.#releaseChannel();
    this.#child = undefined;
  }

  /**
   * Makes sure the child is gone: terminates it if it is alive, waits for it, then closes. What
   * `await using p = new Process(…)` calls at the end of the block (`await using` runs in TypeScript and
   * in JavaScript on Node ≥ 24; on Node 20/22 in JavaScript, call it in a `finally`).
   */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#state === 'started') {
      this.terminate();
      await this.join();
    }
    if (this.#state === 'exited' || this.#state === 'initial') this.close();
  }

  /**
   * What the child runs. The default calls `target(...args)`; subclasses
   * override it (it may be async), as in Python.
   */
  run(): unknown {
    const target = this.#target;
    if (typeof target === 'function') return target(...this.#args);
    return undefined;
  }

  /** `<Process name='Process-1' pid=1234 started daemon>`, like Python's repr. */
  toString(): string {
    const status =
      this.#state === 'self' ? 'current' : this.#exitCode !== null ? `exitCode=${this.#exitCode}` : this.#state;
    return `<${this.constructor.name} name='${this.#name}'${this.#pid ? ` pid=${this.#pid}` : ''} ${status}${this.#daemon ? ' daemon' : ''}>`;
  }

  // util.inspect.custom, without importing node:util (an ESM import of it reads every export: ~3 ms at boot).
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  /** For `wait()` (@multiproc/pipe): ready once the child has exited. */
  get [WAITABLE](): Waitable {
    return {
      ready: () => this.#exitCode !== null,
      whenReady: (signal) =>
        this.#exited
          ? new Promise<void>((resolve) => {
              signal.addEventListener('abort', () => resolve(), { once: true });
              void this.#exited!.then(resolve);
            })
          : Promise.resolve(),
    };
  }

  /** @internal The runtime peer for the child (its channel carries calls on shared objects both ways). */
  get _peer(): Peer | undefined {
    return this.#peer;
  }

  #signal(call: string, signal: NodeJS.Signals): boolean {
    this.#checkNotClosed(call);
    if (this.#state === 'self') throw new InvalidStateError(`Process.${call}(): cannot signal the current process.`);
    if (this.#state === 'initial') throw new InvalidStateError(`Process.${call}(): ${this.#name} has not been started.`);
    if (this.#state !== 'started' || !this.#child) return false;
    this.#child.kill(signal);
    return true;
  }

  /** After close() only `name`, `pid`, `exitCode` and `signalCode` answer (as Python's `_check_closed()`). */
  #checkNotClosed(call: string): void {
    if (this.#state === 'closed') {
      throw new ClosedError(`Process.${call}(): ${this.#name} was closed; only name, pid, exitCode and signalCode may be read after close().`);
    }
  }

  #targetSpec(): TargetSpec {
    const call = `Process.start() of ${this.#name}`;
    const locate = { module: this.#module, exportName: this.#exportName };
    const Class = this.constructor as typeof Process;
    if (Class !== Process && Class.prototype.run !== Process.prototype.run) {
      return { kind: 'subclass', ref: describeFunction(Class, locate, this.#caller, call), fields: { ...(this as object) } as Record<string, unknown> };
    }
    if (this.#target === undefined) return { kind: 'none' };
    return { kind: 'function', ref: describeFunction(this.#target, locate, this.#caller, call), args: this.#args };
  }

  #onChildMessage(message: ChildMessage): void {
    // 'running' and 'failed' are informational today.
    if (message.t !== 'running' && message.t !== 'failed') {
      throw new ProtocolError(`channel to ${this.#name}: unknown message '${(message as TaggedMessage).t}' from the child.`);
    }
  }

  /** A daemon child does not keep the parent alive, except while someone awaits join(). */
  #applyRef(): void {
    const child = this.#child;
    if (!child || this.#state !== 'started') return;
    if (!this.#daemon || this.#joiners > 0) child.ref();
    else child.unref();
    // The child handle alone decides; the IPC pipe never keeps the parent alive (the peer only while it awaits a reply).
    (child.channel as { unref?: () => void } | undefined)?.unref?.();
  }

  #releaseChannel(): void {
    const peer = this.#peer;
    if (!peer || peer.closed) return;
    const linger = setTimeout(() => peer.destroy(), CHANNEL_LINGER_MS).unref();
    void peer.close().then(() => clearTimeout(linger));
  }
}

/** @internal Builds the Process object that stands for the current process. */
export function currentProcessObject<T extends Process>(
  Class: new (...args: never[]) => T,
  options: ProcessOptions & { identity: number[] },
): T {
  return Reflect.construct(Process, [{ ...options, [SELF]: { identity: options.identity } }], Class) as T;
}
