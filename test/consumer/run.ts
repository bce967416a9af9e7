// Runs a command for the consumer test; rejects with its output when it fails, hangs or cannot start.
import { spawn } from 'node:child_process';

export interface RunResult {
  stdout: string;
  stderr: string;
}

/** The environment without what `pnpm run` and node:test set for their own children. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/^npm_(lifecycle|package|command|execpath|node_execpath)/i.test(key) || /^npm_config_(user_agent|frozen_lockfile|workspace)/i.test(key)) delete env[key];
  }
  delete env.NODE_TEST_CONTEXT;
  delete env.NODE_OPTIONS;
  return env;
}

export function run(command: string, args: string[], cwd: string, timeoutMs = 120_000): Promise<RunResult> {
  const shown = [command, ...args].join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run \`${shown}\` in ${cwd} (is it installed and on PATH?): ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve({ stdout, stderr });
      else reject(new Error(`\`${shown}\` in ${cwd} ended with ${signal ?? `exit code ${code}`}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`));
    });
  });
}
