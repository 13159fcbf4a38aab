// Page visibility for the e2e tests: headless tabs are never hidden by themselves.

import type { Page } from 'playwright-core';
import type { AppErrorCode, AppPage } from './appPage.ts';

/** Overrides document.hidden / visibilityState and fires visibilitychange, as a real tab switch does. */
export async function setHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate((h) => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => h });
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (h ? 'hidden' : 'visible') });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
}

/**
 * Stops new masks as a hidden tab does (the source pauses; headless, the page keeps drawing), and
 * waits until the frames in the worker have landed: no new mask for 1.5 s. The 'paused-hidden'
 * notice of an earlier hide is allowed.
 */
export async function freezeMasks(app: AppPage, allowErrorCodes: readonly AppErrorCode[] = []): Promise<void> {
  await setHidden(app.page, true);
  let previous = -1;
  await app.waitForStats('the frames in the worker to land after pausing', (s) => {
    const still = s.frames === previous;
    previous = s.frames;
    return still;
  }, { timeoutMs: 20_000, intervalMs: 1500, allowErrorCodes: ['paused-hidden', ...allowErrorCodes] });
}
