/**
 * The Node versions a benchmark compares: this one, and the other major lines the
 * project supports (its CI runs the suite on each), found through npm's `node`
 * package (`npx -y node@N`, as CI gets them). A version that cannot be had
 * (no network, no npx) is left out with a note instead of failing the run.
 */
import { execFileSync } from 'node:child_process';

/** The major lines, besides the one running the benchmark. */
export const NODE_LINES = [20, 22, 24, 26];

/** One Node binary. */
export interface NodeBinary {
  /** "v24.21.0". */
  version: string;
  major: number;
  path: string;
  /** Whether it runs TypeScript itself (`process.features.typescript`: Node ≥ 22.18 / 23.6). */
  stripsTypes: boolean;
}

function probe(command: string, args: string[]): NodeBinary | undefined {
  try {
    const out = execFileSync(command, [...args, '-p', 'JSON.stringify([process.version, process.execPath, !!process.features.typescript])'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 300_000,
    });
    const [version, path, stripsTypes] = JSON.parse(out.trim().split('\n').pop()!) as [string, string, boolean];
    return { version, major: Number(/^v(\d+)/.exec(version)![1]), path, stripsTypes };
  } catch {
    return undefined;
  }
}

let found: { binaries: NodeBinary[]; missing: string[] } | undefined;

/** This Node and one binary of each other line of NODE_LINES (cached for the run), oldest first. */
export function nodeBinaries(): { binaries: NodeBinary[]; missing: string[] } {
  if (found) return found;
  const binaries: NodeBinary[] = [];
  const missing: string[] = [];
  const current = Number(process.versions.node.split('.')[0]);
  for (const major of NODE_LINES) {
    const binary = major === current ? probe(process.execPath, []) : probe('npx', ['-y', `node@${major}`]);
    if (binary) binaries.push(binary);
    else missing.push(`Node ${major}`);
  }
  found = { binaries, missing };
  return found;
}

/** The note that says which versions could not be had, if any. */
export const missingNote = (missing: string[]): string[] =>
  missing.length ? [`Not measured: ${missing.join(', ')} (\`npx -y node@N\` did not run here).`] : [];
