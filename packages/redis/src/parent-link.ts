/**
 * What a process started by a multiproc parent (a `Process`) and its parent do for each other about Redis backends,
 * through an object in the parent's wire runtime (its address reaches children in the environment,
 * `MULTIPROC_REDIS_WATCH=<pid>:<id>`, read before this process puts its own there for its children):
 *
 * - Failure detection, first level: the child tells its parent which client it is in the server (`attach`); when the
 *   child's connection to the parent closes (it died, however: SIGKILL included), the parent releases what the child
 *   held at once (reapClient), instead of waiting for its liveness key to expire. A parent without a backend on the
 *   same server and namespace cannot: the liveness key then does, within its TTL.
 * - Inheritance: a child that receives an object of a backend it has not connected asks its parent how to connect
 *   (`config`), over the parent's authenticated local socket; the URL and options never travel in a handle.
 *
 * @module
 */
import { runtime, type CallContext, type Handle, type Owned, type Peer } from '@multiproc/wire';

const ENV = 'MULTIPROC_REDIS_WATCH';

/** What a child announces: which backend (id, namespace) and which client it is there. */
interface Announced {
  id: string;
  namespace: string;
  client: string;
}

/** What the parent side needs from this process's backends. */
export interface ParentSide {
  /** Releases for dead `client` on backend `id`/`namespace`, if this process has that backend open. */
  reap(id: string, namespace: string, client: string): Promise<void> | undefined;
  /** How this process connects to backend `id`/`namespace` (any of its namespace when `id` is empty), if it does. */
  config(id: string, namespace: string): { url: string; options: object } | undefined;
}

class DeathWatch implements Owned {
  readonly #children = new Map<Peer, Announced[]>();
  readonly #side: ParentSide;

  constructor(side: ParentSide) {
    this.#side = side;
  }

  dispatch(op: string, args: unknown[], context: CallContext): unknown {
    if (op === 'config') return this.#side.config(args[0] as string, args[1] as string) ?? null;
    if (op !== 'attach') return undefined;
    const [id, namespace, client] = args as [string, string, string];
    let announced = this.#children.get(context.peer);
    if (!announced) this.#children.set(context.peer, (announced = []));
    announced.push({ id, namespace, client });
    return undefined;
  }

  peerClosed(peer: Peer): void {
    const announced = this.#children.get(peer);
    if (!announced) return;
    this.#children.delete(peer);
    for (const { id, namespace, client } of announced) {
      // A child that closed its backend cleanly released everything already: this is then a no-op.
      this.#side.reap(id, namespace, client)?.catch(() => undefined);
    }
  }
}

let installed = false;

/**
 * Called when a session opens: tells this process's multiproc parent (if any) which client it is, and, once per
 * process, sets up the watch its own children will announce themselves to.
 */
export function joinParentLink(announced: Announced, side: ParentSide): void {
  const parent = parentLink();
  if (parent) runtime().post(parent, 'attach', [announced.id, announced.namespace, announced.client]);
  if (installed) return;
  installed = true;
  parentAtStart = process.env[ENV];
  process.env[ENV] = `${process.pid}:${runtime().own(new DeathWatch(side))}`;
}

/** The parent's link, as this process inherited it (before it put its own in the environment). */
let parentAtStart: string | undefined;

function parentLink(): Handle | undefined {
  const value = installed ? parentAtStart : process.env[ENV];
  const match = value ? /^(\d+):(\d+)$/.exec(value) : null;
  if (!match || Number(match[1]) === process.pid || !runtime().peer(Number(match[1]))) return undefined;
  return { owner: { pid: Number(match[1]), address: '' }, id: Number(match[2]) };
}

/** True when this process has a multiproc parent it can ask (see `configFromParent`). */
export function hasParentLink(): boolean {
  return parentLink() !== undefined;
}

/** Asks the parent how to connect to backend `id`/`namespace`; undefined when it cannot tell. */
export async function configFromParent(id: string, namespace: string): Promise<{ url: string; options: object } | undefined> {
  const parent = parentLink();
  if (!parent) return undefined;
  const config = await runtime().call<{ url: string; options: object } | null>(parent, 'config', [id, namespace], { call: 'a Redis backend inherited from the parent' });
  return config ?? undefined;
}
