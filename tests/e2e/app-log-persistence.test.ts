// Nothing lost: a recording survives a page reload (rows persisted in IndexedDB) and is still
// exportable afterwards.

import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { useAppServer, useBrowser } from './helpers/fixtures.ts';
import { pollUntil } from './helpers/pagePolling.ts';

const server = useAppServer();

interface Api {
  stats(): { frames: number; recording: boolean; lastError: { code: string } | null };
  log(): { frameIndex: number; time: string }[];
  flushLog(): Promise<void>;
  summary(): { summary: { frames: number } };
}

describe('log persistence', () => {
  const browser = useBrowser();

  test('recorded rows survive a reload and can still be exported', async () => {
    const context = await browser().newContext();
    try {
      const page = await context.newPage();
      const api = <T>(fn: (d: Api) => T | Promise<T>): Promise<T> =>
        page.evaluate(`(${fn.toString()})(window.dashseg)`) as Promise<T>;
      await page.goto(`${server().url}/?record=1`);
      await pollUntil(page, 'the app API', async () => (await page.evaluate(() => 'dashseg' in window)), (v) => v, 30_000);
      await pollUntil(page, '5 recorded rows', async () => (await api((d) => d.log().length)) >= 5, (v) => v, 120_000);
      // Rows seen now, then wait until at least those are stored (recording goes on meanwhile).
      const before = await api((d) => d.log().map((r) => `${r.frameIndex}@${r.time}`));
      await api((d) => d.flushLog());
      expect(before.length).toBeGreaterThanOrEqual(5);

      await page.goto(`${server().url}/`);
      await pollUntil(page, 'the app API after reload', async () => (await page.evaluate(() => 'dashseg' in window)), (v) => v, 30_000);
      await pollUntil(page, 'restored rows', async () => (await api((d) => d.log().length)) >= before.length, (v) => v, 30_000);
      const after = await api((d) => d.log().map((r) => `${r.frameIndex}@${r.time}`));
      expect(after.slice(0, before.length)).toEqual(before);
      const stats = await api((d) => d.stats());
      expect(stats.recording).toBe(true); // it was recording when the page went away
      expect(stats.lastError?.code).toBe('log-restored');
      const summary = await api((d) => d.summary());
      expect(summary.summary.frames).toBeGreaterThanOrEqual(before.length);
    } finally {
      await context.close();
    }
  });
});
