// Polling a raw page through window.dashseg, for tests that expect the app to report errors (the
// AppPage waits fail fast on any lastError, which is what most tests want but not these).

import type { Page } from 'playwright-core';
import type { AppStats } from './appPage.ts';

/** window.dashseg.stats() of `page`. */
export function readStats(page: Page): Promise<AppStats> {
  return page.evaluate(() => (window as unknown as { dashseg: { stats(): AppStats } }).dashseg.stats());
}

/** Re-reads `read` every 300 ms until `ok` holds; a read that throws (page still loading) is retried. */
export async function pollUntil<T>(page: Page, what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read().catch(() => undefined);
    if (v !== undefined && ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(v)}`);
    await page.waitForTimeout(300);
  }
}

/** Polls stats() until `ok` holds. */
export function waitForStats(page: Page, what: string, ok: (s: AppStats) => boolean, timeoutMs = 90_000): Promise<AppStats> {
  return pollUntil(page, what, () => readStats(page), ok, timeoutMs);
}
