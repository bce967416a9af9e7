/**
 * Instances of classes cross by reference, as Python's pickle sends them: the
 * sender writes where the class is exported (module URL and export name, see
 * class-location.ts) and the instance's own enumerable fields; the receiver,
 * which imported that module before it decodes (the Channel's RequireModules
 * frame, required-modules.ts), takes the export and rebuilds the instance on
 * the class's prototype without calling its constructor.
 *
 * What crosses this way: an instance whose prototype chain is a class's, with
 * no `toJSON` (a class that has one says how it is sent) and none of the types
 * the codec writes itself (Date, Map, Set, Error, RegExp, arrays, bytes). A
 * registered passable (passable.ts) is matched before this. A class that is
 * not exported from a module file cannot be found again: its instance fails
 * the send with `ERR_ENCODE`, never arriving as a plain object.
 *
 * `#private` fields and closures are not own fields, so they do not cross; a
 * class that keeps its state there registers with `registerPassable`.
 *
 * @module
 */
import { addExtension } from 'msgpackr/pack';
import { locateClass, locatedClass, referenceKey } from './class-location.js';
import { noteRequiredModule } from './encode-context.js';
import { EncodeError, ProtocolError } from './errors.js';
import { CLASS_EXT } from './extension-types.js';
import { importUserModule } from './runtime/user-imports.js';

/** What a class instance is written as: module URL, export name, own fields. */
type ClassRefData = [module: string, exportName: string, fields: Record<string, unknown>];

/** Prototypes the codec (or msgpackr) writes itself, with whatever inherits from them. */
const TypedArray = Object.getPrototypeOf(Uint8Array) as Function;
const builtIns: Function[] = [Date, Map, Set, Error, RegExp, ArrayBuffer, SharedArrayBuffer, TypedArray, DataView, Array, Promise, WeakMap, WeakSet, WeakRef];

/** Per prototype: does an instance cross by reference? Decided once per prototype. */
const byPrototype = new WeakMap<object, boolean>();

function crossesByReference(proto: object): boolean {
  for (const Type of builtIns) if (proto === Type.prototype || Object.prototype.isPrototypeOf.call(Type.prototype, proto)) return false;
  // A toJSON anywhere on the chain is the class's own say in how it is sent (URL, Decimal, DateTime...).
  if (typeof (proto as { toJSON?: unknown }).toJSON === 'function') return false;
  // An object made with Object.create(someObject): no class to find, so its own fields are all it has (as before).
  return Object.prototype.hasOwnProperty.call(proto, 'constructor') && typeof (proto as { constructor: unknown }).constructor === 'function';
}

/**
 * Matches (msgpackr tests extensions with `instanceof`) the objects that cross by reference. msgpackr
 * writes plain objects, arrays and Maps before it asks, so this runs only for objects of other classes.
 */
class ClassInstance {
  static [Symbol.hasInstance](value: unknown): boolean {
    // Bytes first, without a lookup: a Buffer is the one non-plain object on hot paths (small Pipe sendBytes).
    if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return false;
    const proto = Object.getPrototypeOf(value) as object | null;
    if (proto === null || proto === Object.prototype) return false;
    let decided = byPrototype.get(proto);
    if (decided === undefined) {
      decided = crossesByReference(proto);
      byPrototype.set(proto, decided);
    }
    return decided;
  }
}

/**
 * Where the class of `value` is exported, for an instance or error that crosses by reference: notes the module the
 * receiver must import first, and returns it with the export's name; undefined (with the reason) when it cannot.
 */
export function classReference(Class: Function): [module: string, exportName: string] | string {
  const location = locateClass(Class);
  if (location.module === undefined) return location.why;
  noteRequiredModule(location.module);
  return [location.module, location.exportName];
}

function write(value: object): ClassRefData {
  const Class = (Object.getPrototypeOf(value) as { constructor: Function }).constructor;
  const reference = classReference(Class);
  if (typeof reference === 'string') {
    const name = Class.name || 'an anonymous class';
    throw new EncodeError(
      `cannot send an instance of class ${name}: ${reference}, so the receiving process could not find the class. ` +
        `Export ${name} from its module (the receiver imports it and rebuilds the instance without calling its constructor), ` +
        'register it with registerPassable(), or send plain data.',
    );
  }
  return [reference[0], reference[1], { ...value }];
}

/** Namespaces of the modules imported for a peer (RequireModules), by URL. */
const namespaces = new Map<string, Record<string, unknown>>();

/** Imports a module a peer said it needs, and keeps its namespace for the decoding of class references. */
export async function importRequiredModule(module: string): Promise<void> {
  if (namespaces.has(module)) return;
  // Through the runtime's import of user modules: code it runs may not start processes (the fork-bomb guard).
  namespaces.set(module, await importUserModule(module, 'the module of a class in a message a peer sent'));
}

/** The class a reference names, from the module imported for it (or from this process's own look-ups). */
export function referencedClass(module: string, exportName: string): Function | undefined {
  const namespace = namespaces.get(module);
  // Own properties only: a name a peer chose must not reach Object.prototype's (constructor, __proto__...).
  const own = (holder: unknown): unknown =>
    typeof holder === 'object' && holder !== null && Object.hasOwn(holder, exportName) ? (holder as Record<string, unknown>)[exportName] : undefined;
  const found = own(namespace) ?? own(namespace?.['default']) ?? locatedClass(referenceKey(module, exportName));
  return typeof found === 'function' ? found : undefined;
}

function read(data: unknown): object {
  if (!Array.isArray(data) || typeof data[0] !== 'string' || typeof data[1] !== 'string' || typeof data[2] !== 'object' || data[2] === null) {
    throw new ProtocolError('a class reference must be [module, exportName, fields].');
  }
  const [module, exportName, fields] = data as ClassRefData;
  const Class = referencedClass(module, exportName);
  if (!Class) {
    throw new ProtocolError(
      `an instance of ${exportName} (exported by ${module}) arrived, but this process has not imported that module ` +
        'or it exports no class of that name: the sender and this process must run the same code.',
    );
  }
  const instance = Object.create(Class.prototype as object) as Record<string, unknown>;
  // Defined, not assigned, as class fields are: a setter on the prototype does not run.
  for (const key of Object.keys(fields)) {
    Object.defineProperty(instance, key, { value: fields[key], writable: true, enumerable: true, configurable: true });
  }
  return instance;
}

addExtension({ Class: ClassInstance as unknown as new () => object, type: CLASS_EXT, write, read });
