// Runs a TypeScript program as a user would (`node --import tsx file`), collecting what it prints.
import { spawn } from 'node:child_process';

/** How a program ended and what it printed. */
export interface TsxRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `file` under tsx; rejects with its output if it is still running after `timeoutMs` (it is then killed). */
export function runTsx(file: string, options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<TsxRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${file} hung:\n${stdout}\n${stderr}`));
    }, options.timeoutMs ?? 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
