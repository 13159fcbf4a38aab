// The preview server of a browser CLI (bench, eval, soak) must not outlive the CLI, however it ends:
// a real `npm run bench` (node --import tsx cli/bench.ts: one process, no wrapper) is signalled once
// its server listens (the URL it prints) or once the app loads in Chromium; after it exits nothing
// may listen on the server's port and no process it started (Chromium's included) may be left. It
// used to leave a detached `vite preview` on the port after a second Ctrl-C or a SIGHUP.
// Slow for a unit test: the three cases run side by side, each boots the CLI (and Chromium).

import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { beforeAll, describe, it } from 'vitest';
import { ensureBuilt, PROJECT_ROOT } from '../../../tools/browser/build.ts';

// Generous: about 20 s per case on a quiet machine, but the CLI's start-up alone (tsx, Vite's config,
// Chromium) takes several times longer on a busy 2-core one.
const CASE_TIMEOUT_MS = 150_000;
const WAIT_FOR_LINE_MS = 90_000;

interface BenchProcess {
  readonly child: ChildProcess;
  /** stdout + stderr so far. */
  output(): string;
  /** Resolves with the first match of `pattern` in the output (rejects when the CLI exits first). */
  waitFor(pattern: RegExp): Promise<RegExpMatchArray>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The environment of a CLI started from a shell, not the test runner's (NODE_ENV=test, VITEST=...). */
function cliEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '0' };
  for (const key of Object.keys(env)) if (key === 'NODE_ENV' || key.startsWith('VITEST')) delete env[key];
  return env;
}

function startBench(): BenchProcess {
  // One process (no tsx or npm wrapper in between), so the signals reach the CLI itself.
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/bench.ts', '--seconds', '1', '--warmup', '0'], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: cliEnv(),
  });
  let text = '';
  const waiters = new Set<() => void>();
  const onData = (d: Buffer): void => {
    text += d.toString();
    for (const check of waiters) check();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      resolve({ code, signal });
      for (const check of waiters) check();
    }),
  );
  return {
    child,
    output: () => text,
    exited,
    waitFor(pattern) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => done(new Error(`no ${pattern} within ${WAIT_FOR_LINE_MS / 1000} s:\n${text}`)), WAIT_FOR_LINE_MS);
        const check = (): void => {
          const match = text.match(pattern);
          if (match) done(null, match);
          else if (child.exitCode !== null || child.signalCode !== null) done(new Error(`the CLI exited before ${pattern}:\n${text}`));
        };
        const done = (err: Error | null, match?: RegExpMatchArray): void => {
          clearTimeout(timer);
          waiters.delete(check);
          if (err) reject(err);
          else resolve(match as RegExpMatchArray);
        };
        waiters.add(check);
        check();
      });
    },
  };
}

/** pid → parent pid, for every process (Linux /proc). */
function parentPids(): Map<number, number> {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // exited meanwhile
    }
  }
  return parents;
}

function descendants(pid: number): number[] {
  const parents = parentPids();
  const found: number[] = [];
  let frontier = [pid];
  while (frontier.length) {
    const next: number[] = [];
    for (const [child, parent] of parents) if (frontier.includes(parent)) next.push(child);
    found.push(...next);
    frontier = next;
  }
  return found;
}

function commandLine(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return null;
  }
}

/** Whether something accepts connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(2000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The processes among `pids` still alive after up to `graceMs` (Chromium's own helpers exit a moment after the CLI). */
async function survivors(pids: readonly number[], graceMs: number): Promise<string[]> {
  const deadline = Date.now() + graceMs;
  for (;;) {
    const alive = pids.map((pid) => ({ pid, cmd: commandLine(pid) })).filter((p) => p.cmd !== null);
    if (alive.length === 0 || Date.now() > deadline) return alive.map((p) => `${p.pid} ${p.cmd}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Every process the CLI started, seen while it ran: pid → command line. */
type Started = Map<number, string>;

function recordDescendants(pid: number, started: Started): void {
  for (const p of descendants(pid)) {
    const cmd = commandLine(p);
    if (cmd !== null && !started.has(p)) started.set(p, cmd);
  }
}

/** SIGKILL to this test's processes only (a pid whose command line changed is someone else's now). */
function killLeftovers(bench: BenchProcess, started: Started): void {
  if (bench.child.exitCode === null && bench.child.signalCode === null) bench.child.kill('SIGKILL');
  for (const [pid, cmd] of started) {
    if (commandLine(pid) !== cmd) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

interface Interruption {
  /** Signal once this is in the output (SERVER_LINE: printed once the server listens). */
  readonly ready: RegExp;
  readonly signals: readonly NodeJS.Signals[];
  /** Wait for this in the output between two signals. */
  readonly between?: RegExp;
}

const SERVER_LINE = /serving the app at (http:\/\/127\.0\.0\.1:\d+)/;

/** Starts the bench, signals it, and returns how it ended and what it left behind. */
async function interruptBench({ ready, signals, between }: Interruption, onFinished: (fn: () => void) => void) {
  const bench = startBench();
  const started: Started = new Map();
  // Never leave anything behind, even when the case fails.
  onFinished(() => killLeftovers(bench, started));
  const [, url] = await bench.waitFor(SERVER_LINE);
  const port = Number(new URL(url as string).port);
  const listenedBefore = ready === SERVER_LINE ? null : (await bench.waitFor(ready), await listening(port));
  const pid = bench.child.pid as number;
  recordDescendants(pid, started);
  // Chromium may still be starting: keep noting what the CLI starts until it exits.
  const watch = setInterval(() => recordDescendants(pid, started), 100);
  try {
    for (const [i, signal] of signals.entries()) {
      recordDescendants(pid, started);
      bench.child.kill(signal);
      if (i < signals.length - 1 && between) await bench.waitFor(between);
    }
    const exit = await Promise.race([
      bench.exited,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`the CLI did not exit:\n${bench.output()}`)), 20_000)),
    ]);
    clearInterval(watch);
    return {
      exit,
      listenedBefore,
      stillListening: await listening(port),
      left: await survivors([...started.keys()], 5000),
      output: bench.output(),
    };
  } finally {
    clearInterval(watch);
  }
}

// The cases run side by side (each CLI mostly waits for its own start-up).
describe.concurrent('the preview server of `npm run bench` dies with the CLI', () => {
  beforeAll(async () => {
    // Not part of the cases' time: dist/ may be stale while sources are being edited.
    await ensureBuilt();
  }, 300_000);

  it('after a second Ctrl-C (SIGINT) while the app loads', async ({ expect, onTestFinished }) => {
    // The first SIGINT starts the clean-up (browser first); the second ends the CLI at once.
    const r = await interruptBench({ ready: /loading the app/, signals: ['SIGINT', 'SIGINT'], between: /bench: interrupted/ }, onTestFinished);
    expect(r.listenedBefore, r.output).toBe(true);
    expect(r.stillListening, r.output).toBe(false);
    expect(r.left, r.output).toEqual([]);
  }, CASE_TIMEOUT_MS);

  it('after SIGHUP as soon as the server listens: exits 130', async ({ expect, onTestFinished }) => {
    const r = await interruptBench({ ready: SERVER_LINE, signals: ['SIGHUP'] }, onTestFinished);
    expect(r.stillListening, r.output).toBe(false);
    expect(r.left, r.output).toEqual([]);
    expect(r.exit, r.output).toEqual({ code: 130, signal: null });
  }, CASE_TIMEOUT_MS);

  it("after SIGTERM while the app loads: cleans up and exits 130 (not through Vite's own SIGTERM hook)", async ({ expect, onTestFinished }) => {
    // With the browser up, the clean-up closes it before the server: Vite's hook (had it been left in
    // place) would close the server and exit 143 in the middle of that.
    const r = await interruptBench({ ready: /loading the app/, signals: ['SIGTERM'] }, onTestFinished);
    expect(r.listenedBefore, r.output).toBe(true);
    expect(r.stillListening, r.output).toBe(false);
    expect(r.left, r.output).toEqual([]);
    expect(r.exit, r.output).toEqual({ code: 130, signal: null });
  }, CASE_TIMEOUT_MS);
});
