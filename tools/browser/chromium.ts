// Headless Chromium for the CLIs (eval, bench) and the e2e tests: Debian's /usr/bin/chromium driven
// by playwright-core, with the flags this machine needs (see shared/FACTS.md).

import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium; DASHSEG_CHROMIUM overrides it. */
export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

export interface ChromiumLaunchOptions {
  /** Only headless is supported on these machines (no display); false is for local debugging. */
  readonly headless?: boolean;
  /**
   * Give pages a WebGPU adapter (SwiftShader on a machine without a GPU): keeps the GPU process and
   * adds --enable-unsafe-webgpu and Vulkan/ANGLE on SwiftShader. Otherwise --disable-gpu.
   */
  readonly webgpu?: boolean;
  /** A .y4m or .mjpeg file that the fake camera plays (getUserMedia is granted without a prompt). */
  readonly fakeCameraFile?: string;
  readonly executablePath?: string;
  /** Extra Chromium switches, appended last. */
  readonly extraArgs?: readonly string[];
  /** Launch timeout in ms (default 60 s: the machine may be busy). */
  readonly timeoutMs?: number;
}

/** Switches every launch gets: no sandbox (root), and no background traffic to Google's hosts. */
export const BASE_CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const WEBGPU_CHROMIUM_ARGS: readonly string[] = [
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  // --use-angle=vulkan flaked once here ("A valid external Instance reference no longer exists").
  '--use-angle=swiftshader',
];

/** The Chromium switches for `options` (exported for tests and for logging what was launched). */
export function chromiumArgs(options: ChromiumLaunchOptions = {}): string[] {
  const args = [...BASE_CHROMIUM_ARGS];
  args.push(...(options.webgpu ? WEBGPU_CHROMIUM_ARGS : ['--disable-gpu']));
  if (options.fakeCameraFile !== undefined) {
    args.push(
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${path.resolve(options.fakeCameraFile)}`,
    );
  }
  args.push(...(options.extraArgs ?? []));
  return args;
}

/**
 * Starts Chromium. Each launch gets a fresh, empty profile: playwright's launch() creates a new
 * temporary --user-data-dir (mkdtemp) and deletes it on close(), so no state leaks between runs.
 * Close the returned Browser when done (browser.close()).
 */
export async function launchChromium(options: ChromiumLaunchOptions = {}): Promise<Browser> {
  const executablePath = options.executablePath ?? process.env['DASHSEG_CHROMIUM'] ?? DEFAULT_CHROMIUM_PATH;
  if (!existsSync(executablePath)) {
    throw new Error(`Chromium not found at ${executablePath} (install Debian's chromium, or set DASHSEG_CHROMIUM)`);
  }
  if (options.fakeCameraFile !== undefined && !existsSync(options.fakeCameraFile)) {
    throw new Error(`fake camera file not found: ${options.fakeCameraFile}`);
  }
  return chromium.launch({
    executablePath,
    headless: options.headless ?? true,
    args: chromiumArgs(options),
    timeout: options.timeoutMs ?? 60_000,
    // The CLIs handle SIGINT themselves and close the browser.
    handleSIGINT: false,
  });
}
