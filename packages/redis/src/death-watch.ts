/**
 * The first level of failure detection: a process started by a multiproc parent (a `Process`) tells its parent which
 * client it is in the server; when the child's connection to the parent closes (it died, however: SIGKILL included),
 * the parent releases what the child held at once (reapClient), instead of waiting for its liveness key to expire.
 *
 * The parent side is an object in this process's wire runtime (`attach` calls; `peerClosed` does the release); its
 * address reaches children in the environment (`MULTIPROC_REDIS_WATCH=<pid>:<id>`), read before this process puts
 * its own there for its children. A parent without a backend on the same server and namespace cannot release for
 * the child: the liveness key then does, within its TTL.
 *
 * @module
 */
import { runtime, type CallContext, type Owned, type Peer } from '@multiproc/wire';

const ENV = 'MULTIPROC_REDIS_WATCH';

/** What a child announces: which backend (id, namespace) and which client it is there. */
interface Announced {
  id: string;
  namespace: string;
  client: string;
}

/** Finds this process's open session of a backend, to release for a dead child. */
export type Reaper = (id: string, namespace: string) => ((client: string) => Promise<void>) | undefined;

class DeathWatch implements Owned {
  readonly #children = new Map<Peer, Announced[]>();
  readonly #reaper: Reaper;

  constructor(reaper: Reaper) {
    this.#reaper = reaper;
  }

  dispatch(op: string, args: unknown[], context: CallContext): unknown {
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
      this.#reaper(id, namespace)?.(client).catch(() => undefined);
    }
  }
}

let installed = false;

/**
 * Called when a session opens: tells this process's multiproc parent (if any) which client it is, and, once per
 * process, sets up the watch its own children will announce themselves to.
 */
export function joinDeathWatch(announced: Announced, reaper: Reaper): void {
  const parent = process.env[ENV];
  const match = parent ? /^(\d+):(\d+)$/.exec(parent) : null;
  if (match && Number(match[1]) !== process.pid && runtime().peer(Number(match[1]))) {
    runtime().post({ owner: { pid: Number(match[1]), address: '' }, id: Number(match[2]) }, 'attach', [announced.id, announced.namespace, announced.client]);
  }
  if (installed) return;
  installed = true;
  process.env[ENV] = `${process.pid}:${runtime().own(new DeathWatch(reaper))}`;
}
