/**
 * Errors cross process boundaries as real errors: the same class where this
 * process knows it (built-ins, multiproc's coded errors, registered classes,
 * and any error class exported from a module, found by reference as class
 * instances are: class-ref.ts), with the sender's `name`, `message`, `stack`,
 * `code`, `cause` and own fields. An error of a class that cannot be found
 * again (not exported) still crosses, as the nearest class the receiver knows
 * by name, else `Error`: an error is never lost for want of its class.
 *
 * @module
 */
import { classReference, referencedClass } from './class-ref.js';
import { MultiprocError } from './errors.js';

/** The wire form of an Error. */
export interface EncodedError {
  name: string;
  /** The error's class (`error.constructor.name`), which is not always its `name`. */
  className?: string;
  message: string;
  stack: string | undefined;
  /** Own enumerable fields (includes `code`). */
  fields: Record<string, unknown>;
  cause?: unknown;
  hasCause: boolean;
  /** AggregateError's inner errors. */
  errors?: unknown[];
  /** Where its class is exported, for a class the receiver may not know by name: module URL, then export name. */
  ref?: [module: string, exportName: string];
}

/** A class of errors that `registerErrorClass` can rebuild on the receiving side. */
export type ErrorClass = abstract new (...args: never[]) => Error;

const knownClasses = new Map<string, ErrorClass>([
  ['Error', Error],
  ['TypeError', TypeError],
  ['RangeError', RangeError],
  ['SyntaxError', SyntaxError],
  ['ReferenceError', ReferenceError],
  ['EvalError', EvalError],
  ['URIError', URIError],
  ['AggregateError', AggregateError],
  ['MultiprocError', MultiprocError],
]);

/**
 * Makes errors of `Class` arrive as instances of `Class` in every process that
 * has registered it (matched by `Class.name`). multiproc registers its own
 * coded errors. An error class exported from its module needs no registration
 * (it is found by reference, as class instances are); register one that is
 * not exported, at module scope in the module that defines it.
 */
export function registerErrorClass(Class: ErrorClass): void {
  knownClasses.set(Class.name, Class);
}

/** Turns an Error into its wire form. */
export function encodeError(error: Error): EncodedError {
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(error)) {
    if (key === 'cause' || key === 'errors') continue;
    fields[key] = (error as unknown as Record<string, unknown>)[key];
  }
  const encoded: EncodedError = {
    name: error.name,
    className: error.constructor?.name,
    message: error.message,
    stack: error.stack,
    fields,
    hasCause: 'cause' in error,
  };
  if (encoded.hasCause) encoded.cause = error.cause;
  if (error instanceof AggregateError) encoded.errors = error.errors;
  const Class = (Object.getPrototypeOf(error) as { constructor?: unknown } | null)?.constructor;
  if (typeof Class === 'function' && knownClasses.get(Class.name) !== Class) {
    const reference = classReference(Class);
    if (typeof reference !== 'string') encoded.ref = reference;
  }
  return encoded;
}

function errorClass(Class: Function | undefined): ErrorClass | undefined {
  return Class && (Class === Error || Class.prototype instanceof Error) ? (Class as ErrorClass) : undefined;
}

/** Rebuilds an Error from its wire form, as the most specific class this process knows. */
export function decodeError(encoded: EncodedError): Error {
  const Class =
    (encoded.ref && errorClass(referencedClass(encoded.ref[0], encoded.ref[1]))) ??
    (encoded.className === undefined ? undefined : knownClasses.get(encoded.className)) ??
    knownClasses.get(encoded.name) ??
    knownClasses.get(String(encoded.fields['name'])) ??
    Error;
  // Built without calling the constructor: coded subclasses take arguments we do not have.
  const error = Object.create(Class.prototype) as Error;
  const define = (key: string, value: unknown) =>
    Object.defineProperty(error, key, { value, writable: true, configurable: true, enumerable: false });
  define('message', encoded.message);
  define('stack', encoded.stack);
  if (encoded.hasCause) define('cause', encoded.cause);
  if (encoded.errors) define('errors', encoded.errors);
  if (error.name !== encoded.name) define('name', encoded.name);
  for (const [key, value] of Object.entries(encoded.fields)) {
    (error as unknown as Record<string, unknown>)[key] = value;
  }
  return error;
}
