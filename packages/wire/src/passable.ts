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
import { FIRST_INTERNAL_EXT, FIRST_USER_EXT, LAST_INTERNAL_EXT, LAST_USER_EXT, NAMED_PASSABLE_EXT } from './extension-types.js';
import { noteRequiredModule } from './encode-context.js';
import { ProtocolError } from './errors.js';
import { trustModule } from './runtime/user-imports.js';

/** How to pass instances of one class between processes. */
export interface PassableType<T, Data> {
  /**
   * msgpack extension type code: 16–63 for users (2–10 are multiproc's own). Optional: without one, the
   * registration is named by the class's name and `module` (a few bytes more per instance), so every
   * process that registers the class finds it, whatever order it registered its classes in.
   */
  type?: number | undefined;
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

type Registered = PassableType<unknown, unknown> & { key: number | string };

/** Registrations by type code, or (registered without one) by name: see {@link PassableType.type}. */
const registered = new Map<number | string, Registered>();

/**
 * Registers a class whose instances can be passed to other processes, encoded as you say.
 * Call it at module scope of the module that defines the class, so every
 * process that can receive one has registered it before it decodes one.
 *
 * An exported class needs no registration: its instances cross by reference, with their own
 * fields (see the codec). Register a class to choose its encoding: state in `#private` fields,
 * a handle, a compact form.
 *
 * @throws {InvalidArgumentError} `ERR_INVALID_ARGUMENT` when the type code is out of range or taken by another class,
 * or (without a type code) another class of the same name and module is registered.
 * @example
 * ```ts
 * class Point { #x; #y; constructor(x: number, y: number) { this.#x = x; this.#y = y; } get x() { return this.#x; } get y() { return this.#y; } }
 * registerPassable({ Class: Point, encode: (p) => [p.x, p.y], decode: ([x, y]) => new Point(x, y), module: import.meta.url });
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
  if (type !== undefined && (!Number.isInteger(type) || type < low || type > high)) {
    throw new InvalidArgumentError(
      `registerPassable(): type must be an integer from ${low} to ${high}, got ${String(type)}; or leave it out and a name is used.`,
    );
  }
  const key = type ?? (definition.module ? `${Class.name} ${definition.module}` : Class.name);
  const existing = registered.get(key);
  if (existing) {
    if (existing.Class === Class) return;
    throw new InvalidArgumentError(
      typeof key === 'number'
        ? `registerPassable(): type ${type} is already taken by ${existing.Class.name}; choose another code for ${Class.name}.`
        : `registerPassable(): another class named ${Class.name} is registered${definition.module ? ` by ${definition.module}` : ''}; ` +
            'give one a type code, or (different modules) pass module: import.meta.url.',
    );
  }
  const entry = Object.assign({}, definition, { key }) as Registered;
  registered.set(key, entry);
  // Its module is loaded here: a peer naming it (to send an instance) makes no new code run.
  trustModule(definition.module);
  addPassableExtension(entry);
  // msgpackr tries the extension added last first, and matches subclasses too: re-add the
  // registered subclasses of Class (ancestors before descendants) so each instance still
  // uses the entry of its own most specific registered class.
  const depth = (C: { prototype: unknown }) => {
    let n = 0;
    for (let p: unknown = C.prototype; p; p = Object.getPrototypeOf(p)) n++;
    return n;
  };
  [...registered.values()]
    .filter((other) => other.Class.prototype instanceof Class)
    .sort((a, b) => depth(a.Class) - depth(b.Class))
    .forEach(addPassableExtension);
}

function addPassableExtension(entry: Registered): void {
  const { key } = entry;
  if (typeof key === 'number') {
    addExtension({
      Class: entry.Class as unknown as new () => unknown,
      type: key,
      write: (value: unknown) => {
        noteRequiredModule(entry.module);
        return entry.encode(value);
      },
      read: (data: unknown) => entry.decode(data),
    });
    return;
  }
  addExtension({
    Class: entry.Class as unknown as new () => unknown,
    type: NAMED_PASSABLE_EXT,
    write: (value: unknown) => {
      noteRequiredModule(entry.module);
      return [key, entry.encode(value)];
    },
    read: readNamed,
  });
}

/** Decodes an instance of a class registered without a type code: `[name, data]`. */
function readNamed(named: unknown): unknown {
  const entry = Array.isArray(named) && typeof named[0] === 'string' ? registered.get(named[0]) : undefined;
  if (!entry) {
    throw new ProtocolError(
      `an instance of a passable class registered as ${JSON.stringify(Array.isArray(named) ? named[0] : named)} arrived, ` +
        'but this process has not registered it: give the registration its module (module: import.meta.url) so the receiver imports it first.',
    );
  }
  return entry.decode((named as unknown[])[1]);
}
