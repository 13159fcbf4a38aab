// Page visibility for the e2e tests: headless tabs are never hidden by themselves.

import type { Page } from 'playwright-core';

/** Overrides document.hidden / visibilityState and fires visibilitychange, as a real tab switch does. */
export async function setHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate((h) => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => h });
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (h ? 'hidden' : 'visible') });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
}
