// The first steps of every CLI that drives the built app (eval, bench, soak): build and serve it
// (Vite's preview server, inside this process), then start headless Chromium. Both are released
// through `cleanups`.

import type { Browser } from 'playwright-core';
import { BuildError } from '../../tools/browser/build.ts';
import { launchChromium } from '../../tools/browser/chromium.ts';
import { startPreviewServer, type PreviewServer } from '../../tools/browser/previewServer.ts';
import { CliError } from './errors.ts';
import type { ProgressLine } from './progress.ts';

export interface BrowserRunControl {
  readonly progress: ProgressLine;
  /** Resources to release however the run ends (the caller runs them, last first). */
  readonly cleanups: (() => Promise<unknown>)[];
  /** Throws when the user interrupted the run. */
  readonly checkInterrupted: () => void;
}

export interface ServedApp {
  readonly server: PreviewServer;
  readonly browser: Browser;
}

/** `name` prefixes the progress lines ("bench: …"); WebGPU needs Chromium's WebGPU switches. */
export async function serveAppInChromium(name: string, backend: 'wasm' | 'webgpu', control: BrowserRunControl): Promise<ServedApp> {
  const { progress, cleanups, checkInterrupted } = control;
  progress.update(`${name}: checking the build…`, true);
  let server: PreviewServer;
  try {
    server = await startPreviewServer({ log: (line) => progress.update(`${name}: ${line}`, true) });
  } catch (err) {
    if (err instanceof BuildError) throw new CliError(`could not build the app: ${err.message}`);
    throw new CliError(`could not start the preview server: ${(err as Error).message}`);
  }
  cleanups.push(() => server.close());
  checkInterrupted();

  progress.update(`${name}: serving the app at ${server.url}; starting headless Chromium…`, true);
  let browser: Browser;
  try {
    browser = await launchChromium({ headless: true, webgpu: backend === 'webgpu' });
  } catch (err) {
    throw new CliError(`could not start Chromium: ${(err as Error).message}`);
  }
  cleanups.push(() => browser.close());
  checkInterrupted();
  return { server, browser };
}
