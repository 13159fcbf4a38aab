// Serves the built app with `vite preview` (COOP/COEP headers from vite.config.ts, dist/ with /ort/
// and /models/) on a free port, for the CLIs and the e2e tests.

import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { ensureBuilt, PROJECT_ROOT, type EnsureBuiltResult } from './build.ts';

export interface PreviewServerOptions {
  /** 0 or undefined: a free port. */
  readonly port?: number;
  readonly root?: string;
  /** 'if-stale' (default): build when dist/ is missing or older than its sources. */
  readonly build?: 'if-stale' | 'always' | 'never';
  readonly log?: (line: string) => void;
  /** How long to wait for the server to answer (default 30 s). */
  readonly startTimeoutMs?: number;
}

export interface PreviewServer {
  /** e.g. http://127.0.0.1:41234 (no trailing slash). */
  readonly url: string;
  readonly port: number;
  readonly build: EnsureBuiltResult | null;
  /** Stops the server (its whole process group); safe to call twice. */
  close(): Promise<void>;
}

/** A port that was free a moment ago (the server is started with --strictPort, and retried). */
export function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/** Polls `url` until it answers with a status below 500. */
export async function waitForHttp(url: string, timeoutMs: number, isDead: () => string | null): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    const dead = isDead();
    if (dead !== null) throw new Error(dead);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await response.body?.cancel();
      if (response.status < 500) return;
      lastError = `HTTP ${response.status}`;
    } catch (err) {
      lastError = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s (${lastError})`);
}

// Servers still running when the process exits (an uncaught error, process.exit()) are killed.
const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of running) killGroup(child, 'SIGKILL');
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal); // the server runs in its own process group (detached)
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

async function startOnce(root: string, port: number, timeoutMs: number): Promise<{ child: ChildProcess; url: string }> {
  // Started directly, not through npx: killing an npx wrapper leaves vite running (FACTS.md).
  const vite = path.join(root, 'node_modules', '.bin', 'vite');
  const child = spawn(vite, ['preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  running.add(child);
  installExitHook();
  let output = '';
  let exited: string | null = null;
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  child.on('error', (err) => (exited = `could not start ${vite}: ${err.message}`));
  child.on('exit', (code, signal) => {
    running.delete(child);
    exited ??= `vite preview exited (${signal ?? `code ${code}`}) before answering:\n${output.trim()}`;
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/`, timeoutMs, () => exited);
  } catch (err) {
    killGroup(child, 'SIGKILL');
    throw err;
  }
  return { child, url };
}

/**
 * Builds dist/ if needed, then starts `vite preview` and resolves once it answers. close() sends
 * SIGTERM to the server's process group, then SIGKILL after 3 s.
 */
export async function startPreviewServer(options: PreviewServerOptions = {}): Promise<PreviewServer> {
  const root = options.root ?? PROJECT_ROOT;
  const mode = options.build ?? 'if-stale';
  const build = mode === 'never' ? null : await ensureBuilt({ root, force: mode === 'always', ...(options.log ? { log: options.log } : {}) });
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  let started: { child: ChildProcess; url: string } | null = null;
  let lastError: Error | null = null;
  // A free port can be taken between the check and vite's listen: try a few.
  for (let attempt = 0; attempt < (options.port ? 1 : 3) && !started; attempt++) {
    const port = options.port || (await findFreePort());
    try {
      started = await startOnce(root, port, timeoutMs);
    } catch (err) {
      lastError = err as Error;
      if (!/already in use|EADDRINUSE/i.test(lastError.message)) break;
    }
  }
  if (!started) throw lastError ?? new Error('vite preview did not start');
  const { child, url } = started;
  let closing: Promise<void> | null = null;
  return {
    url,
    port: Number(new URL(url).port),
    build,
    close() {
      closing ??= new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) {
          running.delete(child);
          resolve();
          return;
        }
        const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 3000);
        child.once('exit', () => {
          clearTimeout(timer);
          running.delete(child);
          resolve();
        });
        killGroup(child, 'SIGTERM');
      });
      return closing;
    },
  };
}
