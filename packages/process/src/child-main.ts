/**
 * The child's entry point (spawned by spawn.ts). It has no exports, and imports
 * only what it needs before the rest loads:
 *
 * 1. turns on Node's module compile cache (Node ≥ 22.1), so that this package,
 *    its dependencies and the user's modules are compiled once per machine, not
 *    once per child — TypeScript included: Node ≥ 23 caches the stripped code
 *    itself, and on Node 22 ts-strip-cache.ts does;
 * 2. watches the parent, ending this child when it dies (watchdog.ts);
 * 3. imports the boot (child-boot.ts), which reads the boot message and runs
 *    the target.
 *
 * @module
 */
import module from 'node:module';
import { cacheStrippedTypeScript } from './ts-strip-cache.js';
import { watchParent } from './watchdog.js';

// Where the user turned the cache off (NODE_DISABLE_COMPILE_CACHE), or set its directory (NODE_COMPILE_CACHE), Node honours it.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
cacheStrippedTypeScript();
watchParent();
await import('./child-boot.js');
