/**
 * Python's positional forms, refused with the form to write here: `p.join(0.1)`
 * (seconds, positional) is `p.join({ timeout: 100 })`, `Process(target, args)`
 * is `new Process({ target, args })`. Passed silently, a number where options
 * go would be ignored (join would wait for the exit), so each is an
 * `ERR_INVALID_ARGUMENT` that names what to write.
 *
 * @module
 */
import { InvalidArgumentError } from '@multiproc/wire';

const shown = (value: unknown): string => (typeof value === 'string' ? JSON.stringify(value) : String(value));

/** Milliseconds for Python's seconds, without float noise: 0.1 → 100. */
const milliseconds = (seconds: number): number => Math.round(seconds * 1e6) / 1e3;

/**
 * Checks the options of a call that takes `{ timeout, signal }` (and, after `seconds`, nothing else Python passes
 * positionally). A number is Python's timeout in seconds.
 *
 * @param call - the method, e.g. `"Process.join"`.
 * @throws {InvalidArgumentError} `ERR_INVALID_ARGUMENT` for anything but an object or undefined.
 */
export function checkOptionsObject(call: string, options: unknown, optionName = 'timeout'): void {
  if (options === undefined || (typeof options === 'object' && options !== null)) return;
  const method = call.slice(call.lastIndexOf('.') + 1);
  if (typeof options === 'number' && optionName === 'timeout') {
    throw new InvalidArgumentError(
      `${call}(${options}): the timeout is an option, in milliseconds (Python's is positional, in seconds): ` +
        `write ${method}({ timeout: ${milliseconds(options)} }).`,
    );
  }
  if (typeof options === 'number') {
    throw new InvalidArgumentError(`${call}(${options}): takes an options object: write ${method}({ ${optionName}: ${options} }) (milliseconds).`);
  }
  throw new InvalidArgumentError(`${call}(): takes an options object, got ${shown(options)}.`);
}

/**
 * `new Process(work, [1])`: Python's `Process(target, args)` order. Refused with the options form to write.
 *
 * @throws {InvalidArgumentError} `ERR_INVALID_ARGUMENT` always.
 */
export function refusePositionalTarget(target: Function, args: unknown): never {
  const name = target.name || 'fn';
  const argsText = Array.isArray(args) ? `, args: [${args.map(shown).join(', ')}]` : args === undefined ? '' : ', args: [...]';
  throw new InvalidArgumentError(
    `new Process(${name}${args === undefined ? '' : ', …'}): a Process takes one options object (Python's target= and args= are its fields): ` +
      `write new Process({ target: ${name}${argsText} }).`,
  );
}
