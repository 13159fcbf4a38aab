// Per-file fixtures for the app e2e tests: one `vite preview` server of the built app and one
// Chromium per describe block (launched with the flags the block needs); each test opens its own
// BrowserContext (fresh profile state) through openApp().

import { afterAll, beforeAll } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, startPreviewServer, type ChromiumLaunchOptions, type PreviewServer } from '../../../tools/browser/index.ts';

/** Starting a server may rebuild dist/ when it is stale (npm test builds first, so normally not). */
const SERVER_START_TIMEOUT_MS = 240_000;
const BROWSER_LAUNCH_TIMEOUT_MS = 90_000;

/**
 * Serves the built app (dist/) for the tests of one file. Call at the top level of the file; the
 * returned function gives the server inside tests (it throws when beforeAll failed).
 */
export function useAppServer(): () => PreviewServer {
  let server: PreviewServer | null = null;
  beforeAll(async () => {
    server = await startPreviewServer({
      // dist/ is reused when up to date (scripts/run-tests.mjs builds before the tests run).
      build: 'if-stale',
      log: (line) => console.log(`[e2e] ${line}`),
    });
  }, SERVER_START_TIMEOUT_MS);
  afterAll(async () => {
    await server?.close();
    server = null;
  });
  return () => {
    if (!server) throw new Error('the preview server is not running (see the beforeAll error above)');
    return server;
  };
}

/** One headless Chromium for the enclosing describe block (or file), closed after it. */
export function useBrowser(options: ChromiumLaunchOptions | (() => ChromiumLaunchOptions | Promise<ChromiumLaunchOptions>) = {}): () => Browser {
  let browser: Browser | null = null;
  beforeAll(async () => {
    const resolved = typeof options === 'function' ? await options() : options;
    browser = await launchChromium({ timeoutMs: BROWSER_LAUNCH_TIMEOUT_MS, ...resolved });
  }, BROWSER_LAUNCH_TIMEOUT_MS + 30_000);
  afterAll(async () => {
    await browser?.close();
    browser = null;
  });
  return () => {
    if (!browser) throw new Error('Chromium is not running (see the beforeAll error above)');
    return browser;
  };
}
