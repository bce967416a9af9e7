/**
 * The passable-object registry: how a class's instances are written into a
 * message and rebuilt on the other side as a live object of the same class.
 *
 * multiproc's Queue, Lock and Pipe ends register themselves here (so a handle
 * passed as an argument to a child arrives there as a working proxy); users can
 * register their own classes the same way.
 *
 * @module
 */
import { addExtension } from 'msgpackr/pack';
import { InvalidArgumentError } from './errors.js';
import { FIRST_INTERNAL_EXT, FIRST_USER_EXT, LAST_INTERNAL_EXT, LAST_USER_EXT } from './extension-types.js';
import { noteRequiredModule } from './encode-context.js';

/** How to pass instances of one class between processes. */
export interface PassableType<T, Data> {
  /** msgpack extension type code: 16–63 for users (2–15 are multiproc's own). */
  type: number;
  /** The class; instances of it (and of subclasses that are not registered themselves) use this entry. */
  Class: abstract new (...args: never[]) => T;
  /** Turns an instance into plain, encodable data (which may itself contain passable objects). */
  encode(value: T): Data;
  /** Rebuilds an instance, in the receiving process, from what `encode` returned. */
  decode(data: Data): T;
  /**
   * The module that registers this type (pass `import.meta.url`). A process that
   * receives an instance imports it first, so it can decode it even if its own
   * code never imported that module. Without it, the receiver must have imported
   * the module itself before the message arrives.
   */
  module?: string | undefined;
}

const byType = new Map<number, PassableType<unknown, unknown>>();

/**
 * Registers a class whose instances can be passed to other processes.
 * Call it at module scope of the module that defines the class, so every
 * process that can receive one has registered it before it decodes one.
 *
 * @throws {InvalidArgumentError} `ERR_INVALID_ARGUMENT` when the type code is out of range or taken by another class.
 * @example
 * ```ts
 * class Point { constructor(public x: number, public y: number) {} }
 * registerPassable({ type: 16, Class: Point, encode: (p) => [p.x, p.y], decode: ([x, y]) => new Point(x, y) });
 * ```
 */
export function registerPassable<T, Data>(definition: PassableType<T, Data>): void {
  registerPassableType(definition, FIRST_USER_EXT, LAST_USER_EXT);
}

/**
 * Registers one of multiproc's own passable classes (type codes 2–15). For use
 * by the multiproc packages only; users call {@link registerPassable}.
 *
 * @internal
 */
export function registerInternalPassable<T, Data>(definition: PassableType<T, Data>): void {
  registerPassableType(definition, FIRST_INTERNAL_EXT, LAST_INTERNAL_EXT);
}

function registerPassableType<T, Data>(definition: PassableType<T, Data>, low: number, high: number): void {
  const { type, Class } = definition;
  if (!Number.isInteger(type) || type < low || type > high) {
    throw new InvalidArgumentError(
      `registerPassable(): type must be an integer from ${low} to ${high}, got ${String(type)}.`,
    );
  }
  const existing = byType.get(type);
  if (existing) {
    if (existing.Class === Class) return;
    throw new InvalidArgumentError(
      `registerPassable(): type ${type} is already taken by ${existing.Class.name}; choose another code for ${Class.name}.`,
    );
  }
  byType.set(type, definition as PassableType<unknown, unknown>);
  addPassableExtension(definition);
  // msgpackr tries the extension added last first, and matches subclasses too: re-add the
  // registered subclasses of Class (ancestors before descendants) so each instance still
  // uses the entry of its own most specific registered class.
  const depth = (C: { prototype: unknown }) => {
    let n = 0;
    for (let p: unknown = C.prototype; p; p = Object.getPrototypeOf(p)) n++;
    return n;
  };
  [...byType.values()]
    .filter((other) => other.Class.prototype instanceof Class)
    .sort((a, b) => depth(a.Class) - depth(b.Class))
    .forEach(addPassableExtension);
}

function addPassableExtension<T, Data>(definition: PassableType<T, Data>): void {
  addExtension({
    Class: definition.Class as unknown as new () => T,
    type: definition.type,
    write: (value: T) => {
      noteRequiredModule(definition.module);
      return definition.encode(value);
    },
    read: (data: Data) => definition.decode(data),
  });
}
