/**
 * The environment variables a parent sets for its child's boot (child-main.ts
 * reads and removes them, so the child's own children never see its values).
 * Shared by both sides; nothing else lives here, so the child's entry imports
 * nothing heavy to read them.
 *
 * @module
 */

/** Where the child's channel to its parent is. */
export const CHANNEL_FD = 4;

/** The parent's pid, as the parent saw it (the child compares it with its own `process.ppid`). */
export const PARENT_PID_ENV = 'MULTIPROC_PARENT_PID';
/** Set to the signal's name when the kernel sends the child that signal at its parent's death (see parent-death.ts). */
export const PDEATHSIG_ENV = 'MULTIPROC_PDEATHSIG';
/**
 * Read by the parent: `thread` makes every child watch its parent with a thread, as where the kernel's
 * parent-death signal is not available (for tests, or a node binary with file capabilities, which the
 * kernel clears the signal for); `signal` or unset: the signal wherever it works.
 */
export const PARENT_DEATH_ENV = 'MULTIPROC_PARENT_DEATH';

/** Set for a spare (spares.ts): the child says it has booted, and a channel closed before its boot message is no error. */
export const SPARE_ENV = 'MULTIPROC_SPARE';
/** The byte a spare writes on its channel once booted, before the channel carries frames. */
export const SPARE_READY = 0x53;
