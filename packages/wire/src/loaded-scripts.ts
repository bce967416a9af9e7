/**
 * What V8 knows about the code loaded in this process, asked through an
 * in-process inspector session (no port is opened; the session is connected
 * for one question, then closed; on this thread it answers synchronously):
 * the script that defines a function, and whether a module URL is loaded.
 *
 * Used to find a class's module (class-location.ts), and to tell whether
 * importing a module a peer names would run new code (a module already loaded
 * here runs none).
 *
 * @module
 */
import type { Session as InspectorSession } from 'node:inspector';

const SLOT = Symbol.for('multiproc.loadedScripts');
/** Script ids seen so far, with their URLs (an id is stable for its script's life). */
const scriptUrls = new Map<string, string>();
/** URLs of the scripts seen so far. */
const loadedUrls = new Set<string>();

function connect(): InspectorSession | undefined {
  const inspector = process.getBuiltinModule?.('node:inspector') as typeof import('node:inspector') | undefined;
  if (!inspector?.Session) return undefined;
  const session = new inspector.Session();
  try {
    session.connect();
  } catch {
    return undefined;
  }
  return session;
}

/** Learns every script parsed so far: enabling the debugger replays them; it is disabled again at once. */
function refresh(session: InspectorSession): void {
  session.on('Debugger.scriptParsed', ({ params }) => {
    scriptUrls.set(params.scriptId, params.url);
    loadedUrls.add(params.url);
  });
  session.post('Debugger.enable', {}, () => {});
  session.post('Debugger.disable', {}, () => {});
}

/**
 * The URL of the script that defines `fn` (`''` for code that has none, e.g. eval'd), or undefined when this
 * Node has no inspector. About 4 ms (the first call in a process about 30 ms): cache the answer.
 */
export function definingScript(fn: Function): string | undefined {
  const session = connect();
  if (!session) return undefined;
  const global = globalThis as Record<symbol, unknown>;
  global[SLOT] = fn;
  try {
    let scriptId: string | undefined;
    session.post('Runtime.evaluate', { expression: `globalThis[Symbol.for(${JSON.stringify(SLOT.description)})]` }, (error, result) => {
      const objectId = error ? undefined : result.result.objectId;
      if (objectId === undefined) return;
      session.post('Runtime.getProperties', { objectId, ownProperties: true }, (error2, properties) => {
        const where = error2 ? undefined : properties.internalProperties?.find((p) => p.name === '[[FunctionLocation]]');
        scriptId = (where?.value?.value as { scriptId?: string } | undefined)?.scriptId;
      });
    });
    if (scriptId === undefined) return '';
    if (!scriptUrls.has(scriptId)) refresh(session);
    return scriptUrls.get(scriptId) ?? '';
  } finally {
    delete global[SLOT];
    session.disconnect();
  }
}

/**
 * Whether this process has loaded the module at `url` (so importing it runs no code of its own). False when this
 * Node has no inspector. A URL not seen yet costs a look at every loaded script (about 4 ms).
 */
export function isLoadedModule(url: string): boolean {
  if (loadedUrls.has(url)) return true;
  const session = connect();
  if (!session) return false;
  try {
    refresh(session);
  } finally {
    session.disconnect();
  }
  return loadedUrls.has(url);
}
