// Serves the built app with Vite's preview server (COOP/COEP/CSP headers from vite.config.ts, dist/
// with /ort/ and /models/) on a free port, for the CLIs and the e2e tests.
//
// The server runs inside the calling process (Vite's JavaScript API, not a `vite preview` child), so
// it cannot outlive it: however the process ends (Ctrl-C twice, SIGHUP, an uncaught error,
// process.exit()) its listening socket goes with it. A child process in its own process group
// outlived the CLI on a second Ctrl-C or a SIGHUP and kept the port.

import { createServer } from 'node:net';
import type { PreviewServer as VitePreviewServer } from 'vite';
import { ensureBuilt, PROJECT_ROOT, type EnsureBuiltResult } from './build.ts';
import { lineLogger } from './viteLogger.ts';

export interface PreviewServerOptions {
  /** 0 or undefined: a free port. */
  readonly port?: number;
  readonly root?: string;
  /** 'if-stale' (default): build when dist/ is missing or older than its sources. */
  readonly build?: 'if-stale' | 'always' | 'never';
  readonly log?: (line: string) => void;
  /** How long to wait for the server to listen (default 30 s). */
  readonly startTimeoutMs?: number;
}

export interface PreviewServer {
  /** e.g. http://127.0.0.1:41234 (no trailing slash). */
  readonly url: string;
  readonly port: number;
  readonly build: EnsureBuiltResult | null;
  /** Stops the server (closes open connections); safe to call twice. */
  close(): Promise<void>;
}

/** A port that was free a moment ago (the server is started with strictPort, and retried). */
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

/**
 * Vite's preview() adds a SIGTERM listener (and the same function as a stdin 'end' listener) that
 * closes the server and calls process.exit(): right for the `vite preview` command, wrong inside a CLI
 * or a test runner, whose own handlers close the browser first and choose the exit code (the CLIs: 130).
 * Removes that listener if it appeared since `before` was taken (Vite adds it once per process while
 * any of its servers runs; server.close() would remove it again).
 */
function removeViteExitHooks(before: ReadonlySet<unknown>): void {
  // (Vite leaves stdin alone when CI=true; so does this, rather than create process.stdin.)
  const onStdinEnd = process.env['CI'] === 'true' ? [] : process.stdin.listeners('end');
  for (const listener of process.listeners('SIGTERM')) {
    if (before.has(listener)) continue;
    // Vite's, not another listener added meanwhile (Playwright adds one when it starts a browser).
    if (!onStdinEnd.includes(listener) && listener.name !== 'parentSigtermCallback') continue;
    process.off('SIGTERM', listener);
    if (onStdinEnd.includes(listener)) process.stdin.off('end', listener as () => void);
  }
}

async function startOnce(root: string, port: number, timeoutMs: number, log: ((line: string) => void) | undefined): Promise<VitePreviewServer> {
  const { preview } = await import('vite');
  const before = new Set<unknown>(process.listeners('SIGTERM'));
  // The project's vite.config.ts (found in `root`, as `vite preview` finds it) supplies the headers
  // and the static mounts; only where to listen is set here.
  const starting = preview({
    root,
    logLevel: 'warn',
    customLogger: lineLogger((line) => (log ? log(`vite: ${line}`) : process.stderr.write(`vite: ${line}\n`))),
    clearScreen: false,
    preview: { host: '127.0.0.1', port, strictPort: true, open: false },
  }).finally(() => removeViteExitHooks(before));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the preview server did not listen on port ${port} within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  try {
    return await Promise.race([starting, timeout]);
  } catch (err) {
    // Started after all (past the timeout): stop it.
    starting.then((server) => server.close()).catch(() => undefined);
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** Builds dist/ if needed, then starts Vite's preview server in this process and resolves once it listens. */
export async function startPreviewServer(options: PreviewServerOptions = {}): Promise<PreviewServer> {
  const root = options.root ?? PROJECT_ROOT;
  const mode = options.build ?? 'if-stale';
  const build = mode === 'never' ? null : await ensureBuilt({ root, force: mode === 'always', ...(options.log ? { log: options.log } : {}) });
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  let server: VitePreviewServer | null = null;
  let lastError: Error | null = null;
  // A free port can be taken between the check and the listen: try a few.
  for (let attempt = 0; attempt < (options.port ? 1 : 3) && !server; attempt++) {
    const port = options.port || (await findFreePort());
    try {
      server = await startOnce(root, port, timeoutMs, options.log);
    } catch (err) {
      lastError = err as Error;
      if (!/already in use|EADDRINUSE/i.test(lastError.message)) break;
    }
  }
  if (!server) throw lastError ?? new Error('the preview server did not start');
  const address = server.httpServer.address();
  if (address === null || typeof address === 'string') {
    await server.close();
    throw new Error(`the preview server listens on ${String(address)}, not a TCP port`);
  }
  const started = server;
  let closing: Promise<void> | null = null;
  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    build,
    close() {
      closing ??= started.close();
      return closing;
    },
  };
}
