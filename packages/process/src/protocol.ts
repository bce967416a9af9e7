/**
 * Messages between a parent and a child it started, on their private channel.
 * Parent and child import this one file, so both sides agree on every shape.
 *
 * @module
 */

/** Where the child finds a function or class: by export, or by source. */
export interface FunctionRef {
  /** The function's own name, for messages. */
  name: string;
  /** Modules to import, in order, and the export to take from each. */
  candidates: Array<{ module: string; exportName: string }>;
  /** The function's source, used when no candidate exports it (self-contained functions only). */
  source: string | undefined;
  /** The module the call site was in, for messages. */
  callerModule: string | undefined;
}

/** What the child should run. */
export type TargetSpec =
  /** Call a function with `args`. */
  | { kind: 'function'; ref: FunctionRef; args: unknown[] }
  /** Rebuild an instance of a Process subclass from its fields and call its `run()`. */
  | { kind: 'subclass'; ref: FunctionRef; fields: Record<string, unknown> }
  /** A plain Process with no target: run() does nothing. */
  | { kind: 'none' };

/** Parent → child. */
export type ParentMessage = {
  t: 'boot';
  name: string;
  daemon: boolean;
  /** Position in the process tree, as in Python: `[1, 3]` is the third child of the first child. */
  identity: number[];
  parentName: string;
  /** The process tree's secret, for authenticating direct connections between owners (see the wire runtime). */
  secret: Uint8Array;
  target: TargetSpec;
};

/** Child → parent. */
export type ChildMessage =
  /** The target is about to be called. */
  | { t: 'running' }
  /** The target threw (the child also prints it and exits with code 1). */
  | { t: 'failed'; error: unknown };
