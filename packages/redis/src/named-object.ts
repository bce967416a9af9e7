/**
 * What every object on Redis has: a name in a namespace, its keys (one hash tag), its reference, and the check, once
 * per process, that the object stored under its name was created with the same kind and options.
 *
 * @module
 */
import { noteRequiredModule, type BackendCapabilities, type ObjectRef } from '@multiproc/wire';
import { OptionsMismatchError } from './errors.js';
import { objectKeys, scriptKeys, type Family, type ObjectKeys } from './keys.js';
import type { Session } from './session.js';
import type { RedisBackend } from './backend.js';
import { statusOf, type ScriptName } from './scripts.js';

/** This package's entry module: what a process that receives one of its objects imports first. */
const PACKAGE_ENTRY = new URL('./index.js', import.meta.url).href;

/** The backend kind in references. */
export const REDIS_KIND = 'redis';

/** How an object on Redis travels: which backend (its id and namespace) and which object. Never credentials. */
export interface RedisRef extends ObjectRef {
  readonly backend: typeof REDIS_KIND;
  /** The backend's id (see `RedisBackend.id`). */
  readonly id: string;
  readonly namespace: string;
  readonly family: Family;
  readonly name: string;
}

/** What objects on Redis can do. */
export const REDIS_CAPABILITIES: BackendCapabilities = { crossProcess: true, detectsDeath: true, creatorCallbacks: false };

/** See the module comment. */
export abstract class NamedObject {
  readonly capabilities = REDIS_CAPABILITIES;
  /** No process owns an object on Redis: the server does. */
  readonly isOwner = false;
  readonly name: string;
  readonly #backend: RedisBackend;
  #session: Session | undefined;
  protected readonly keys: ObjectKeys;
  /** KEYS of this family's scripts, in order. */
  protected readonly scriptKeys: string[];
  readonly #family: Family;
  #opened: Promise<void> | undefined;

  protected constructor(backend: RedisBackend, family: Family, name: string) {
    this.#backend = backend;
    this.#family = family;
    this.name = name;
    this.keys = objectKeys(backend.namespace, family, name);
    this.scriptKeys = scriptKeys(family, this.keys.tag);
  }

  /** The session, once `open()` has resolved (every operation opens first). */
  protected get session(): Session {
    return this.#session!;
  }

  /** The additional data values of this object are sealed with, and the context of decode errors. */
  protected get context(): string {
    return this.keys.tag;
  }

  /**
   * How it travels to another process. A process that receives it imports this package before it decodes the
   * message (wire's required modules), so the reference finds its resolver even where no code imported it yet.
   */
  ref(): RedisRef {
    noteRequiredModule(PACKAGE_ENTRY);
    return { backend: REDIS_KIND, id: this.#backend.id ?? '', namespace: this.#backend.namespace, family: this.#family, name: this.name };
  }

  /** The class and options stored with the object: checked against what another process created. */
  protected abstract openArgs(): { kind: string; script: ScriptName; args: Array<string | number>; describe: string };

  /** Creates the object in the server, or checks the one there (once per process; again after 'gone'). */
  protected open(): Promise<void> {
    return (this.#opened ??= this.#open().catch((error: unknown) => {
      this.#opened = undefined;
      throw error;
    }));
  }

  /** The object is gone from the server (restarted without persistence): the next call creates it again. */
  protected forgetOpened(): void {
    this.#opened = undefined;
  }

  async #open(): Promise<void> {
    const { kind, script, args, describe } = this.openArgs();
    this.#session = await this.#backend.session();
    this.session.touch(this.keys.tag);
    const reply = statusOf(await this.session.run(`new ${kind}()`, script, [this.scriptKeys[0]!], [kind, ...args]));
    if (reply === 'ok') return;
    const [, storedKind, ...stored] = (reply ?? '').split(' ');
    throw new OptionsMismatchError(
      `new ${kind}({ name: '${this.name}' }): the namespace '${this.session.namespace}' already has a ${storedKind} named '${this.name}' ` +
        `(${stored.join(' ')}), not a ${kind} with ${describe}. Use the same class and options in every process, or another name.`,
    );
  }
}
