// A hidden tab pauses inference; it resumes when visible again, and the FPS log marks the gap.

import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { useAppServer, useBrowser } from './helpers/fixtures.ts';
import { pollUntil } from './helpers/pagePolling.ts';
import { setHidden } from './helpers/visibility.ts';

const server = useAppServer();

interface Api {
  stats(): { frames: number; lastError: { code: string } | null };
  log(): { event?: string | null }[];
}
const api = <T>(page: Page, fn: (d: Api) => T): Promise<T> => page.evaluate(`(${fn.toString()})(window.dashseg)`) as Promise<T>;

function waitFrames(page: Page, n: number, timeoutMs = 90_000): Promise<number> {
  return pollUntil(page, `${n} frames`, () => api(page, (d) => d.stats().frames), (f) => f >= n, timeoutMs);
}

describe('hidden tab', () => {
  const browser = useBrowser();
  test('pauses inference while hidden, resumes after, and logs the gap', async () => {
    const context = await browser().newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${server().url}/?record=1`);
      await waitFrames(page, 3);
      await setHidden(page, true);
      await page.waitForTimeout(1500); // a frame in flight may still land
      const hiddenStart = await api(page, (d) => d.stats().frames);
      await page.waitForTimeout(3000);
      expect(await api(page, (d) => d.stats().frames)).toBe(hiddenStart);
      await setHidden(page, false);
      await waitFrames(page, hiddenStart + 3);
      const stats = await api(page, (d) => d.stats());
      expect(stats.lastError?.code).toBe('paused-hidden');
      const events = await api(page, (d) => d.log().map((r) => r.event ?? null).filter((e) => e !== null));
      expect(events.some((e) => /paused for \d+\.\d s while the tab was hidden/.test(String(e)))).toBe(true);
    } finally {
      await context.close();
    }
  });
});
