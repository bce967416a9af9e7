/**
 * The Node flags a child inherits when its options give none.
 *
 * @module
 */

/** Flags that take the next argument as their value, when it is not given with `=`. */
const EVAL_FLAGS = new Set(['-e', '--eval', '-pe', '-ep']);
/** Take the next argument as their value too, unless an eval flag follows (`-p -e CODE`: then they are a plain switch). */
const PRINT_FLAGS = new Set(['-p', '--print']);
const isEval = (arg: string | undefined) => arg !== undefined && (EVAL_FLAGS.has(arg) || arg.startsWith('--eval='));

/**
 * This process's Node flags (`process.execArgv`), less those that belong to its own entry point and
 * would break or repeat it in a child, whose entry is a file: the code of `-e`/`--eval`/`-p`/`--print`
 * (the child would run it again, as Node's `fork()` also knows), `--input-type` (Node refuses it with
 * a file entry: ERR_INPUT_TYPE_NOT_ALLOWED, so a Process or Pool started from `node --input-type=module -e`
 * could not start a child), and `-i`/`--interactive`.
 */
export function inheritedExecArgv(execArgv: readonly string[] = process.execArgv): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i]!;
    if (PRINT_FLAGS.has(arg) && isEval(execArgv[i + 1])) continue; // the eval flag after it goes with its code
    if (EVAL_FLAGS.has(arg) || PRINT_FLAGS.has(arg) || arg === '--input-type') {
      i++; // and its value
      continue;
    }
    if (arg.startsWith('--eval=') || arg.startsWith('--print=') || arg.startsWith('--input-type=') || arg === '-i' || arg === '--interactive') continue;
    kept.push(arg);
  }
  return kept;
}
