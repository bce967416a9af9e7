/**
 * One wait on the server (a get on an empty queue, an acquire of a taken lock), as a small state machine:
 *
 * ```
 * entering ──(served at once)──────────────────────────────▶ done
 *    │ ('wait': entered in the object's waiters)
 *    ▼
 * waiting ──(wake-up message, or a re-check finds it served)─▶ done (accept: the server forgets the hand-over)
 *    │ (timeout, abort, or the server unreachable)
 *    └──(cancel: leave the waiters, give back what was handed over meanwhile)──▶ done (rejects)
 * ```
 *
 * A message may arrive before the script that entered the waiters has replied: it is kept until then. Every
 * `recheckMs` (and after a reconnect) the wait re-reads its state and looks for dead processes holding what it
 * waits for, so a lost wake-up or a lost machine costs a delay, never a hang.
 *
 * @module
 */
import { Deadline, type BlockingOptions } from '@multiproc/wire';
import type { Session } from './session.js';

/** What `enter` and `claim` return while the caller must wait. */
export const WAIT: unique symbol = Symbol('wait');

/**
 * What `claim` returns when the wait is no longer known to the server: this process was taken for dead (its
 * liveness key expired while it lived: a stalled machine, a network cut) and its waits dropped. It enters again.
 */
export const REENTER: unique symbol = Symbol('reenter');

/** The steps of one kind of wait. */
export interface TurnSteps<R> {
  /** Runs the operation; the result now, or WAIT once entered in the waiters under `ticket`. */
  enter(ticket: string): Promise<R | typeof WAIT>;
  /** Re-reads the state: the result if it was handed over, WAIT, or REENTER (rejects with a coded error if it ended: closed). */
  claim(ticket: string): Promise<R | typeof WAIT | typeof REENTER>;
  /** Leaves the waiters and gives back whatever was handed over meanwhile. */
  cancel(ticket: string): Promise<unknown>;
  /** The result a wake-up message for this ticket carries (throws the coded error it may carry: closed). */
  fromMessage(body: Buffer): R;
  /** Tells the server the result was taken (fire and forget). */
  accept(ticket: string, result: R): void;
}

type TurnState = 'entering' | 'waiting' | 'done';

/**
 * Runs one wait. `tag` is the object's tag (for the dead-process probe).
 *
 * @throws the `{ timeout, signal }` errors (`ERR_TIMEOUT`, `ERR_ABORTED`) once the wait was cancelled on the server.
 */
export async function waitTurn<R>(backend: Session, call: string, tag: string, options: BlockingOptions | undefined, steps: TurnSteps<R>): Promise<R> {
  using deadline = new Deadline(call, options);
  const ticket = backend.nextTicket();
  let state: TurnState = 'entering';
  let early: Buffer | undefined;
  let onBody: ((body: Buffer) => void) | undefined;
  const stopListening = backend.wakeups.onTicket(ticket, (body) => (onBody ? onBody(body) : (early = body)));
  const release = backend.hold();
  try {
    const now = await steps.enter(ticket).catch((error: unknown) => {
      // The script may have entered us in the waiters before the connection broke: leave them once it is back.
      backend.cancelLater(() => steps.cancel(ticket));
      throw error;
    });
    if (now !== WAIT) return now;
    state = 'waiting';
    return await new Promise<R>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const settle = (result: { value: R } | { error: unknown }) => {
        state = 'done';
        clearTimeout(timer);
        stopRechecks();
        if ('value' in result) resolve(result.value);
        else reject(result.error);
      };
      onBody = (body) => {
        if (state !== 'waiting') return;
        let value: R;
        try {
          value = steps.fromMessage(body);
        } catch (error) {
          settle({ error });
          return;
        }
        steps.accept(ticket, value);
        settle({ value });
      };
      const recheck = async () => {
        if (state !== 'waiting') return;
        try {
          await backend.probe(tag);
          let found = await steps.claim(ticket);
          if (state !== 'waiting') return;
          if (found === REENTER) {
            backend.retouch(tag);
            found = await steps.enter(ticket);
            if (state !== 'waiting') return;
          }
          if (found === WAIT) return schedule();
          steps.accept(ticket, found);
          settle({ value: found });
        } catch (error) {
          if (state === 'waiting') giveUp(error);
        }
      };
      const schedule = () => {
        timer = setTimeout(() => void recheck(), backend.recheckMs);
      };
      const stopRechecks = backend.wakeups.onReconnect(() => void recheck());
      const giveUp = (error: unknown) => {
        if (state !== 'waiting') return;
        settle({ error });
        steps.cancel(ticket).catch(() => backend.cancelLater(() => steps.cancel(ticket)));
      };
      deadline.expired.catch(async (error: unknown) => {
        if (state !== 'waiting') return;
        state = 'done';
        clearTimeout(timer);
        stopRechecks();
        // Rejects only once the server has forgotten the wait: nothing is left taken for a caller that gave up.
        try {
          await steps.cancel(ticket);
        } catch (cancelError) {
          backend.cancelLater(() => steps.cancel(ticket));
          reject(cancelError);
          return;
        }
        reject(error);
      });
      if (early) onBody(early);
      else schedule();
    });
  } finally {
    stopListening();
    release();
  }
}
