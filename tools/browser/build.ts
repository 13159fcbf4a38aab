// "Is dist/ up to date?" and "build it if not", for the CLIs and e2e tests that serve the built app.
// Up to date = every root *.html page has its built copy in dist/, and no input of the build
// (sources, config, models and samples that the build copies) is newer than the oldest of them.

import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { lineLogger } from './viteLogger.ts';

/** The project root (this file is tools/browser/build.ts). */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface BuildInput {
  /** Relative to the project root. */
  readonly path: string;
  /** For folders: descend into sub-folders (default true). */
  readonly recursive?: boolean;
  /** For folders: which files count (default all). */
  readonly include?: (name: string) => boolean;
}

/** What `vite build` reads or copies into dist/ (see vite.config.ts and its static mounts). */
export const DEFAULT_BUILD_INPUTS: readonly BuildInput[] = [
  { path: 'src' },
  { path: 'workers' },
  { path: 'vite-plugins' },
  { path: 'public' },
  { path: 'vite.config.ts' },
  { path: 'package.json' },
  { path: 'package-lock.json' },
  { path: 'tsconfig.json' },
  { path: 'models', recursive: false, include: (f) => /\.(onnx|json)$/.test(f) },
  { path: 'samples/data' },
];

export interface BuildCheckOptions {
  readonly root?: string;
  readonly outDir?: string;
  readonly inputs?: readonly BuildInput[];
}

export interface BuildCheck {
  readonly upToDate: boolean;
  /** Why a build is needed (or 'up to date'), naming a file. */
  readonly reason: string;
}

/** Root-level *.html pages: each is a build entry (vite.config.ts rollupOptions.input). */
export function htmlEntries(root: string): string[] {
  return readdirSync(root).filter((f) => f.endsWith('.html') && statSync(path.join(root, f)).isFile()).sort();
}

function newestFile(file: string, input: BuildInput, best: { mtimeMs: number; file: string }): void {
  let st;
  try {
    st = statSync(file);
  } catch {
    return; // optional input that does not exist (public/, samples/data)
  }
  if (st.isFile()) {
    if (st.mtimeMs > best.mtimeMs) {
      best.mtimeMs = st.mtimeMs;
      best.file = file;
    }
    return;
  }
  if (!st.isDirectory()) return;
  for (const entry of readdirSync(file, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const child = path.join(file, entry.name);
    if (entry.isDirectory()) {
      if (input.recursive !== false) newestFile(child, input, best);
    } else if (entry.isFile() && (input.include?.(entry.name) ?? true)) {
      newestFile(child, input, best);
    }
  }
}

export function checkBuild(options: BuildCheckOptions = {}): BuildCheck {
  const root = options.root ?? PROJECT_ROOT;
  const outDir = path.resolve(root, options.outDir ?? 'dist');
  const pages = htmlEntries(root);
  if (pages.length === 0) return { upToDate: false, reason: `no *.html entry in ${root}` };
  let oldestOutput = Infinity;
  for (const page of pages) {
    const built = path.join(outDir, page);
    if (!existsSync(built)) return { upToDate: false, reason: `${path.relative(root, built)} is missing` };
    oldestOutput = Math.min(oldestOutput, statSync(built).mtimeMs);
  }
  const best = { mtimeMs: -Infinity, file: '' };
  for (const page of pages) newestFile(path.join(root, page), { path: page }, best);
  for (const input of options.inputs ?? DEFAULT_BUILD_INPUTS) newestFile(path.join(root, input.path), input, best);
  if (best.mtimeMs > oldestOutput) {
    return { upToDate: false, reason: `${path.relative(root, best.file)} is newer than ${path.relative(root, outDir)}/` };
  }
  return { upToDate: true, reason: 'up to date' };
}

export interface EnsureBuiltOptions extends BuildCheckOptions {
  /** Build even when up to date. */
  readonly force?: boolean;
  /** Progress lines ("building: ..."). */
  readonly log?: (line: string) => void;
  /** Give up waiting for another process's build after this long (default 5 min). */
  readonly lockTimeoutMs?: number;
}

export interface EnsureBuiltResult {
  readonly built: boolean;
  readonly reason: string;
  readonly ms: number;
}

export class BuildError extends Error {
  constructor(message: string, readonly output: string) {
    super(message);
    this.name = 'BuildError';
  }
}

/**
 * Runs `vite build` when dist/ is missing or stale. Concurrent callers (a CLI and a test run) take
 * turns through a lock folder in node_modules/.cache, and re-check after waiting, so the app is built
 * once and never by two processes at the same time.
 */
export async function ensureBuilt(options: EnsureBuiltOptions = {}): Promise<EnsureBuiltResult> {
  const root = options.root ?? PROJECT_ROOT;
  const started = performance.now();
  const first = checkBuild(options);
  if (first.upToDate && !options.force) return { built: false, reason: first.reason, ms: performance.now() - started };
  const release = await acquireLock(path.join(root, 'node_modules', '.cache', 'dashseg', 'build.lock'), options.lockTimeoutMs ?? 300_000);
  try {
    const check = checkBuild(options);
    if (check.upToDate && !options.force) return { built: false, reason: 'built by another process', ms: performance.now() - started };
    options.log?.(`building the app (${options.force ? 'forced' : check.reason}): vite build`);
    await runViteBuild(root, options.outDir);
    return { built: true, reason: options.force ? 'forced' : check.reason, ms: performance.now() - started };
  } finally {
    release();
  }
}

/**
 * `vite build` through Vite's JavaScript API, in this process (as the preview server is): nothing is
 * left running when the process is interrupted. The project's vite.config.ts is found in `root`.
 */
async function runViteBuild(root: string, outDir: string | undefined): Promise<void> {
  const { createBuilder } = await import('vite');
  const lines: string[] = [];
  try {
    const builder = await createBuilder(
      {
        root,
        logLevel: 'warn',
        customLogger: lineLogger((line) => lines.push(line)),
        clearScreen: false,
        ...(outDir ? { build: { outDir: path.resolve(root, outDir) } } : {}),
      },
      null, // what the `vite build` command does: build every environment of the app
    );
    await builder.buildApp();
  } catch (err) {
    const output = stripVTControlCharacters([...lines, err instanceof Error ? err.message : String(err)].join('\n'));
    throw new BuildError(`vite build failed:\n${output.trim().split('\n').slice(-30).join('\n')}`, output);
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** mkdir is atomic: whoever creates the folder holds the lock; a dead holder's lock is taken over. */
async function acquireLock(dir: string, timeoutMs: number): Promise<() => void> {
  mkdirSync(path.dirname(dir), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(dir);
      writeFileSync(path.join(dir, 'pid'), String(process.pid));
      return () => rmSync(dir, { recursive: true, force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let holder = NaN;
    try {
      holder = Number(readFileSync(path.join(dir, 'pid'), 'utf8'));
    } catch {
      // the holder is between mkdir and writing its pid, or just released
    }
    const age = (() => {
      try {
        return Date.now() - statSync(dir).mtimeMs;
      } catch {
        return 0;
      }
    })();
    if ((Number.isInteger(holder) && holder > 0 && !pidAlive(holder)) || (Number.isNaN(holder) && age > 10_000)) {
      rmSync(dir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new BuildError(`timed out waiting for another build (lock ${dir}, pid ${holder})`, '');
    await new Promise((r) => setTimeout(r, 250));
  }
}
