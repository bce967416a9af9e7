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
 * When it does not pay, it stops:
 * - **Replies slower than the window.** A window that passes without a read (a
 *   miss) spent its CPU for nothing: after one, the next write does not poll;
 *   after n misses in a row, the next 2^n − 1 do not (up to 63). A hit (a read
 *   within a window) ends the streak. So a one-way writer, or a process whose
 *   replies take milliseconds (a pool of long tasks), polls about one write in
 *   64, and the first quick reply of such a probe turns polling back on.
 * - **No spare core.** Polling is only free while a core would otherwise idle.
 *   Two signs that it would not: more threads running or waiting for a CPU
 *   than there are CPUs (/proc/loadavg, read at most once a millisecond as
 *   windows open, where there is one), and, while polling, a gap of 0.1 ms or
 *   more between two turns of the loop (a turn takes ~1 µs: the kernel ran
 *   something else on this core meanwhile) in more than 1 window in 16 (a
 *   moving average over about 32). Either pauses polling for 10 ms (doubling
 *   while it keeps happening, up to 1 s; halved at each hit). A pause for busy
 *   CPUs also ends once three looks in a row (at writes, a ms or more apart)
 *   find a CPU free: it had held polling off for up to a second after a burst
 *   of work ended (a pool's round trips after a burst of its tasks took ~38 µs
 *   instead of ~29). Measured on the
 *   2-core machine: a pool parent polling while two workers ran 75 µs tasks
 *   for two callers made the pool 22–28% slower; the parent itself was seldom
 *   off the CPU (the workers were), so only the run queue shows it.
 *
 * Cost, bounded: at most one window of CPU per write polled for, and a process
 * whose work is done lives at most one window longer. `MULTIPROC_BUSY_POLL_US`
 * (inherited by child processes) or {@link setBusyPoll} sets the window, up to
 * 10 ms; 0 turns it off.
 *
 * @module
 */
import { availableParallelism } from 'node:os';
import { InvalidArgumentError } from './errors.js';
import { runQueueReader } from './run-queue.js';

/** The window when none is set, µs. */
export const DEFAULT_BUSY_POLL_MICROS = 100;
/** The largest window, µs. */
export const MAX_BUSY_POLL_MICROS = 10_000;
/** After this many misses in a row, 2^this − 1 writes do not poll. */
const MAX_MISS_STREAK = 6;
/** A gap between two turns of the polling loop of this many ms or more: the process was off the CPU (or busy). */
const OFF_CPU_GAP_MS = 0.1;
/** Polling pauses once the moving average of windows with such a gap passes this share. */
const MAX_OFF_CPU_SHARE = 1 / 16;
/** That average moves by 1 / this per window. */
const OFF_CPU_SMOOTHING = 32;
/** The first pause after the process was seen off the CPU, and the longest, ms. */
const MIN_PAUSE_MS = 10;
const MAX_PAUSE_MS = 1000;
/** A pause for busy CPUs ends early once this many looks in a row (a ms or more apart) found a CPU free. */
const FREE_LOOKS_TO_RESUME = 3;
/** The run queue is read at most this often (ms), as windows open. */
const RUN_QUEUE_EVERY_MS = 1;

/**
 * The busy-poll state of a process (see the module comment). The channels of a
 * process share one: {@link busyPoll}.
 */
export class BusyPoll {
  #windowMs: number;
  readonly #now: () => number;
  readonly #schedule: (spin: () => void) => void;
  readonly #coresBusy: () => boolean;
  /** When the run queue was last read (ms). */
  #coresCheckedAt = -Infinity;
  /** Polling goes on until then (ms, `now()`'s clock); 0: no window open. */
  #until = 0;
  /** The last turn of the polling loop (ms); -1 before its first (the time from the write to it is this process's own work). */
  #lastTurn = -1;
  #spinning = false;
  /** Misses in a row (up to MAX_MISS_STREAK). */
  #missStreak = 0;
  /** Writes still to make without polling, after a miss. */
  #skip = 0;
  /** Moving average of windows in which the process was seen off the CPU (0–1). */
  #offCpuShare = 0;
  /** No polling before then (ms), after the process was seen off the CPU too often. */
  #pausedUntil = 0;
  /** The next such pause, ms. */
  #pauseMs = MIN_PAUSE_MS;
  /** The pause under way is for busy CPUs (it may end early: see `#coresFreeAgain`). */
  #pausedForCores = false;
  /** Looks in a row, during such a pause, that found a CPU free. */
  #freeLooks = 0;
  /** Windows that ended with a read (a reply came while polling). */
  hits = 0;
  /** Windows that passed without a read (their CPU was spent for nothing). */
  misses = 0;
  /** Windows in which the process was seen off the CPU (others wanted the core). */
  preempted = 0;
  /** Pauses of polling: the process was seen off the CPU too often, or every CPU was taken. */
  pauses = 0;

  /**
   * @param micros - the window, µs (0: never poll; at most 10 000).
   * @param now - the clock, ms.
   * @param schedule - runs its argument on the loop's next turn without letting it sleep (`setImmediate`).
   * @param coresBusy - true when every CPU is taken (by default: more threads running or runnable than CPUs, from /proc/loadavg; false where it cannot be read).
   */
  constructor(
    micros: number,
    now: () => number = () => performance.now(),
    schedule: (spin: () => void) => void = setImmediate,
    coresBusy: () => boolean = defaultCoresBusy(),
  ) {
    this.#windowMs = checkMicros(micros, 'new BusyPoll()') / 1000;
    this.#now = now;
    this.#schedule = schedule;
    this.#coresBusy = coresBusy;
  }

  /** The window, µs (0: off). */
  get micros(): number {
    return this.#windowMs * 1000;
  }

  /** Sets the window; a window open now ends no later than the new one would. */
  set micros(micros: number) {
    this.#windowMs = checkMicros(micros, 'BusyPoll.micros') / 1000;
    if (this.#until !== 0) this.#until = Math.min(this.#until, this.#now() + this.#windowMs);
  }

  /** True while the loop is kept polling. */
  get polling(): boolean {
    return this.#spinning;
  }

  /** A message was written: poll for a window, unless recent windows did not pay (see the module comment). */
  wrote(): void {
    if (this.#windowMs === 0) return;
    if (this.#skip > 0) {
      this.#skip--;
      return;
    }
    const now = this.#now();
    if (now < this.#pausedUntil) {
      if (!this.#pausedForCores || !this.#coresFreeAgain(now)) return;
    } else if (this.#until === 0 && now - this.#coresCheckedAt >= RUN_QUEUE_EVERY_MS) {
      this.#coresCheckedAt = now;
      if (this.#coresBusy()) return this.#pause(now, true);
    }
    // A new window (not one extended): the time until its first turn is this process's own work.
    if (this.#until === 0) this.#lastTurn = -1;
    this.#until = now + this.#windowMs;
    if (this.#spinning) return;
    this.#spinning = true;
    this.#schedule(this.#spin);
  }

  /** Bytes were read: if a window is open and not over, the reply came in time (a hit), and polling stops. */
  read(): void {
    if (this.#until === 0) return;
    const now = this.#now();
    const inTime = now <= this.#until;
    this.#until = 0;
    if (inTime) this.#hit();
    else this.#miss();
    this.#windowEnded(false, now);
  }

  #hit(): void {
    this.hits++;
    this.#missStreak = 0;
    this.#pauseMs = Math.max(MIN_PAUSE_MS, this.#pauseMs / 2);
  }

  #miss(): void {
    this.misses++;
    this.#missStreak = Math.min(this.#missStreak + 1, MAX_MISS_STREAK);
    this.#skip = 2 ** this.#missStreak - 1;
  }

  /** A window ended; `offCpu`: the process was seen off the CPU in it. */
  #windowEnded(offCpu: boolean, now: number): void {
    this.#offCpuShare += ((offCpu ? 1 : 0) - this.#offCpuShare) / OFF_CPU_SMOOTHING;
    if (this.#offCpuShare > MAX_OFF_CPU_SHARE) this.#pause(now, false);
  }

  /** No polling for a while: the core is wanted elsewhere; `forCores`: every CPU was seen taken (else: gaps between turns). */
  #pause(now: number, forCores: boolean): void {
    this.pauses++;
    this.#pausedUntil = now + this.#pauseMs;
    this.#pauseMs = Math.min(MAX_PAUSE_MS, this.#pauseMs * 2);
    this.#pausedForCores = forCores;
    this.#freeLooks = 0;
    // After the pause, polling starts afresh: it takes a few more such windows to pause it again.
    this.#offCpuShare = MAX_OFF_CPU_SHARE / 2;
  }

  /**
   * During a pause for busy CPUs, at a write: looks again (at most once a ms), and ends the pause once FREE_LOOKS_TO_RESUME
   * looks in a row found a CPU free. Without it, a pause doubled through a burst of work (every core busy: up to 1 s)
   * held polling off long after the burst ended; ending it at the first free look instead made contended pools poll
   * again too soon (a look between two tasks sees a CPU free for a moment).
   */
  #coresFreeAgain(now: number): boolean {
    if (now - this.#coresCheckedAt < RUN_QUEUE_EVERY_MS) return false;
    this.#coresCheckedAt = now;
    if (this.#coresBusy()) {
      this.#freeLooks = 0;
      return false;
    }
    if (++this.#freeLooks < FREE_LOOKS_TO_RESUME) return false;
    this.#pausedUntil = 0;
    this.#pauseMs = MIN_PAUSE_MS;
    this.#pausedForCores = false;
    this.#freeLooks = 0;
    return true;
  }

  readonly #spin = (): void => {
    if (this.#until !== 0) {
      const now = this.#now();
      if (this.#lastTurn >= 0 && now - this.#lastTurn >= OFF_CPU_GAP_MS) {
        // Off the CPU since the last turn: the core is wanted elsewhere. The window ends.
        this.#until = 0;
        this.preempted++;
        this.#windowEnded(true, now);
      } else if (now < this.#until) {
        this.#lastTurn = now;
        this.#schedule(this.#spin);
        return;
      } else {
        this.#until = 0;
        this.#miss();
        this.#windowEnded(false, now);
      }
    }
    this.#spinning = false;
  };
}

/** True while more threads are running or runnable than there are CPUs (never, where that cannot be read). */
function defaultCoresBusy(): () => boolean {
  const runQueue = runQueueReader();
  const cores = availableParallelism();
  return () => (runQueue() ?? 0) > cores;
}

function checkMicros(micros: number, call: string): number {
  if (typeof micros !== 'number' || !(micros >= 0 && micros <= MAX_BUSY_POLL_MICROS)) {
    throw new InvalidArgumentError(`${call}: the busy-poll window must be a number of µs from 0 (off) to ${MAX_BUSY_POLL_MICROS}, not ${String(micros)}.`);
  }
  return micros;
}

/** The window from `MULTIPROC_BUSY_POLL_US`, or the default (with a warning if the variable cannot be used). */
function windowFromEnv(): number {
  const text = process.env.MULTIPROC_BUSY_POLL_US;
  if (text === undefined || text === '') return DEFAULT_BUSY_POLL_MICROS;
  const micros = Number(text);
  if (micros >= 0 && micros <= MAX_BUSY_POLL_MICROS) return micros;
  process.emitWarning(`MULTIPROC_BUSY_POLL_US=${JSON.stringify(text)} is not a number of µs from 0 to ${MAX_BUSY_POLL_MICROS}; using ${DEFAULT_BUSY_POLL_MICROS}.`, {
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
 * @throws InvalidArgumentError (`ERR_INVALID_ARGUMENT`) if `micros` is not a number from 0 to 10 000.
 * @example
 * ```ts
 * setBusyPoll(0); // never spend CPU polling: every reply wakes this process
 * ```
 */
export function setBusyPoll(micros: number): void {
  busyPoll.micros = checkMicros(micros, 'setBusyPoll()');
  process.env.MULTIPROC_BUSY_POLL_US = String(micros);
}
