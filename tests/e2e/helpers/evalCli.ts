// Runs the eval CLI (`tsx cli/eval.ts`, documented in cli/lib/evalOptions.ts) as a child process.

import { spawn } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from '../../../tools/browser/index.ts';

export interface EvalCliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runEvalCli(args: readonly string[], timeoutMs: number): Promise<EvalCliRun> {
  const tsx = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, ['cli/eval.ts', ...args], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGINT'); // the CLI closes its browser and server on SIGINT
      reject(new Error(`tsx cli/eval.ts ${args.join(' ')} ran past ${timeoutMs / 1000} s\n--- stderr ---\n${stderr}`));
    }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export function describeRun(run: EvalCliRun): string {
  return `exit ${run.code}\n--- stdout ---\n${run.stdout}\n--- stderr ---\n${run.stderr}`;
}
