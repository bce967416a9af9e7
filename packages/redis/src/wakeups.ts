/**
 * Wake-ups, by pub/sub on a connection of their own: this process's channel carries "<ticket>\n<body>" messages for
 * its waits (an item handed over, a permit granted, a queue closed), and object channels carry broadcasts (an Event
 * set, a Barrier's round over, room in a queue). They are hints only: the state is in keys, and every wait re-checks
 * it after a reconnect and every second, so a lost message costs a re-check, never a hang.
 *
 * @module
 */
import type { Redis } from 'ioredis';

/** A handler of this process's messages for one ticket. */
export type TicketHandler = (body: Buffer) => void;

/** The subscriber side of one backend. */
export class Wakeups {
  readonly #subscriber: Redis;
  readonly #ownChannel: string;
  readonly #tickets = new Map<string, TicketHandler>();
  readonly #broadcasts = new Map<string, { listeners: Set<(message: string) => void>; subscribed: Promise<unknown> }>();
  readonly #onReconnect = new Set<() => void>();
  #ready = false;

  constructor(subscriber: Redis, ownChannel: string) {
    this.#subscriber = subscriber;
    this.#ownChannel = ownChannel;
    subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) => this.#onMessage(channel.toString(), message));
    subscriber.on('ready', () => {
      // ioredis subscribes again on reconnect; messages sent meanwhile were lost: every wait re-checks.
      if (this.#ready) for (const recheck of this.#onReconnect) recheck();
      this.#ready = true;
    });
  }

  /** Subscribes to this process's channel (once, at connect). */
  async start(): Promise<void> {
    await this.#subscriber.subscribe(this.#ownChannel);
  }

  /** Routes messages for `ticket` to `handler` until the returned function is called. */
  onTicket(ticket: string, handler: TicketHandler): () => void {
    this.#tickets.set(ticket, handler);
    return () => this.#tickets.delete(ticket);
  }

  /** Calls `recheck` after each reconnect of the subscriber, until the returned function is called. */
  onReconnect(recheck: () => void): () => void {
    this.#onReconnect.add(recheck);
    return () => this.#onReconnect.delete(recheck);
  }

  /**
   * Calls `wake` with each message on object channel `channel`, until the returned function is called. Resolves
   * once subscribed, so a state read after it cannot miss a later broadcast.
   */
  async onBroadcast(channel: string, wake: (message: string) => void): Promise<() => void> {
    let entry = this.#broadcasts.get(channel);
    if (!entry) {
      entry = { listeners: new Set(), subscribed: this.#subscriber.subscribe(channel) };
      this.#broadcasts.set(channel, entry);
    }
    const { listeners } = entry;
    listeners.add(wake);
    await entry.subscribed;
    return () => {
      listeners.delete(wake);
      if (listeners.size === 0 && this.#broadcasts.get(channel) === entry) {
        this.#broadcasts.delete(channel);
        this.#subscriber.unsubscribe(channel).catch(() => undefined);
      }
    };
  }

  /** Runs every re-check now (the backend is closing: each wait then finds it closed and ends at once). */
  recheckAll(): void {
    for (const recheck of this.#onReconnect) recheck();
  }

  #onMessage(channel: string, message: Buffer): void {
    if (channel === this.#ownChannel) {
      const newline = message.indexOf(10);
      if (newline < 0) return;
      this.#tickets.get(message.toString('latin1', 0, newline))?.(message.subarray(newline + 1));
      return;
    }
    const listeners = this.#broadcasts.get(channel)?.listeners;
    if (!listeners) return;
    const text = message.toString();
    for (const wake of listeners) wake(text);
  }
}
