/**
 * Busy polling after a write: for a short while after this process writes a
 * message, its event loop keeps polling its sockets instead of sleeping, so
 * that a reply arriving then finds it awake.
 *
 * Why: a process asleep in `epoll_wait` is woken by the peer's write, and on a
 * virtual machine that wake-up (an interrupt to an idle virtual CPU) costs more
 * than the rest of the round trip. Profiles of a Pool round trip on the 2-core
 * bench machine put ~15% of each side's CPU in the waker's
 * `sock_def_readable`; a no-op task took ~85 µs. With both sides polling for
 * the reply it takes ~15 µs, and each side spends less CPU per task than when
 * it slept (no sleep, no wake-up). The same trade as Linux's `SO_BUSY_POLL`
 * and adaptive mutexes: spend a little CPU waiting when the wait is short.
 *
 * How: the loop keeps polling while an immediate is pending (libuv then polls
 * with a zero timeout), so polling is a chain of `setImmediate` calls; one
 * chain per process, whatever the number of channels. It stops when a message
 * is read or the window (`micros`) is over, whichever comes first.
 *
 * Adaptive: it only polls while writes are usually answered within the
 * window. Each write's delay to the next read is averaged (a read that did not
 * come within the window counts as 4 windows); polling is off while that
 * average is a window or more. So a one-way writer, or a process whose replies
 * take milliseconds (a pool of long tasks), polls a few windows and then
 * sleeps as before; the first quick replies turn it back on.
 *
 * Cost, bounded: at most one window of CPU per write that is not answered
 * within it, and a process whose work is done lives at most one window longer.
 * `MULTIPROC_BUSY_POLL_US` (inherited by child processes) or
 * {@link setBusyPoll} sets the window; 0 turns it off.
 *
 * @module
 */
import { InvalidArgumentError } from './errors.js';

/** The window when none is set, µs. */
export const DEFAULT_BUSY_POLL_MICROS = 100;
/** A write not answered within the window counts as a delay of this many windows. */
const MISS_WEIGHT = 4;
/** The average of delays moves by 1 / this of each new delay. */
const SMOOTHING = 8;

/**
 * The busy-poll state of a process (see the module comment). The channels of a
 * process share one: {@link busyPoll}.
 */
export class BusyPoll {
  #windowMs: number;
  readonly #now: () => number;
  readonly #schedule: (spin: () => void) => void;
  /** Average delay from a write to the next read, ms (starts at 0: poll until shown otherwise). */
  #typicalMs = 0;
  /** When the first write not yet followed by a read was made, or -1. */
  #writtenAt = -1;
  /** Polling goes on until then (ms, `now()`'s clock); 0: stop. */
  #until = 0;
  #spinning = false;
  /** Windows that ended with a read (a reply came while polling). */
  hits = 0;
  /** Windows that passed without a read (their CPU was spent for nothing). */
  misses = 0;

  /**
   * @param micros - the window, µs (0: never poll).
   * @param now - the clock, ms.
   * @param schedule - runs its argument on the loop's next turn without letting it sleep (`setImmediate`).
   */
  constructor(micros: number, now: () => number = () => performance.now(), schedule: (spin: () => void) => void = setImmediate) {
    this.#windowMs = checkMicros(micros, 'new BusyPoll()') / 1000;
    this.#now = now;
    this.#schedule = schedule;
  }

  /** The window, µs (0: off). */
  get micros(): number {
    return this.#windowMs * 1000;
  }

  set micros(micros: number) {
    this.#windowMs = checkMicros(micros, 'BusyPoll.micros') / 1000;
    if (this.#windowMs === 0) this.#until = 0;
  }

  /** True while the loop is kept polling. */
  get polling(): boolean {
    return this.#spinning;
  }

  /** Average delay from a write to the next read, µs (a write not answered within the window counts as 4 windows). */
  get typicalMicros(): number {
    return this.#typicalMs * 1000;
  }

  /** A message was written: poll for a window if replies usually come within one. */
  wrote(): void {
    if (this.#windowMs === 0) return;
    const now = this.#now();
    if (this.#writtenAt < 0) this.#writtenAt = now;
    if (this.#typicalMs >= this.#windowMs) return;
    this.#until = now + this.#windowMs;
    if (this.#spinning) return;
    this.#spinning = true;
    this.#schedule(this.#spin);
  }

  /** Bytes were read: the reply came (polling stops), and its delay counts. */
  read(): void {
    if (this.#until !== 0) this.hits++;
    this.#until = 0;
    if (this.#writtenAt < 0) return;
    this.#learn(this.#now() - this.#writtenAt);
  }

  #learn(delayMs: number): void {
    this.#writtenAt = -1;
    const delay = Math.min(delayMs, MISS_WEIGHT * this.#windowMs);
    this.#typicalMs += (delay - this.#typicalMs) / SMOOTHING;
  }

  readonly #spin = (): void => {
    if (this.#until !== 0) {
      const now = this.#now();
      if (now < this.#until) {
        this.#schedule(this.#spin);
        return;
      }
      // The window passed without a read: a miss.
      this.misses++;
      this.#until = 0;
      if (this.#writtenAt >= 0) this.#learn(Infinity);
    }
    this.#spinning = false;
  };
}

function checkMicros(micros: number, call: string): number {
  if (typeof micros !== 'number' || !Number.isFinite(micros) || micros < 0) {
    throw new InvalidArgumentError(`${call}: the busy-poll window must be a number of µs ≥ 0 (0 turns it off), not ${String(micros)}.`);
  }
  return micros;
}

/** The window from `MULTIPROC_BUSY_POLL_US`, or the default (with a warning if the variable cannot be used). */
function windowFromEnv(): number {
  const text = process.env.MULTIPROC_BUSY_POLL_US;
  if (text === undefined || text === '') return DEFAULT_BUSY_POLL_MICROS;
  const micros = Number(text);
  if (Number.isFinite(micros) && micros >= 0) return micros;
  process.emitWarning(`MULTIPROC_BUSY_POLL_US=${JSON.stringify(text)} is not a number of µs ≥ 0; using ${DEFAULT_BUSY_POLL_MICROS}.`, {
    code: 'MULTIPROC_BAD_BUSY_POLL_US',
  });
  return DEFAULT_BUSY_POLL_MICROS;
}

/** This process's busy polling, shared by all its channels. */
export const busyPoll = new BusyPoll(windowFromEnv());

/**
 * Sets how long, in µs, this process keeps polling for a reply after it writes a message,
 * instead of sleeping until woken (see {@link BusyPoll}); 0 turns busy polling off. Child
 * processes started after the call do the same: it sets `MULTIPROC_BUSY_POLL_US`, which they inherit.
 *
 * @default 100
 * @throws InvalidArgumentError (`ERR_INVALID_ARGUMENT`) if `micros` is not a number ≥ 0.
 * @example
 * ```ts
 * setBusyPoll(0); // never spend CPU polling: every reply wakes this process
 * ```
 */
export function setBusyPoll(micros: number): void {
  busyPoll.micros = checkMicros(micros, 'setBusyPoll()');
  process.env.MULTIPROC_BUSY_POLL_US = String(micros);
}
