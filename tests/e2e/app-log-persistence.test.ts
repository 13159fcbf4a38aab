// Nothing lost: a recording survives a page reload (rows persisted in IndexedDB) and is still
// exportable afterwards.

import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { useAppServer, useBrowser } from './helpers/fixtures.ts';
import { pollUntil } from './helpers/pagePolling.ts';
import { AppPage, type AppErrorCode, type AutomationApi } from './helpers/appPage.ts';

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

// The browser may close the log's IndexedDB connection while recording: another tab opening the
// database at a higher version (versionchange), or the browser clearing site data / evicting under
// storage pressure (a forced close). Recording must go on, the user must be told, and no row may be
// lost: neither from the log in memory nor, once the storage reopens, from the stored log.
describe('log persistence when the browser closes the storage', () => {
  const browser = useBrowser();

  /** `frameIndex@time` of every row, to compare logs by identity and order. */
  const rowKeys = (rows: readonly { frameIndex: number; time: string | number }[]): string[] => rows.map((r) => `${r.frameIndex}@${r.time}`);

  /** Waits for flushLog(), then reads every row the app's database holds (at whatever version it is now). */
  async function storedRowsAfterFlush(app: AppPage): Promise<{ inMemoryBeforeFlush: string[]; stored: string[] }> {
    return app.page.evaluate(async () => {
      const dashseg = (window as unknown as { dashseg: AutomationApi }).dashseg;
      const inMemory = dashseg.log().map((r) => `${r.frameIndex}@${r.time}`);
      await dashseg.flushLog();
      const open = indexedDB.open('dashseg-log');
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error ?? new Error('open failed'));
      });
      const get = db.transaction('rows', 'readonly').objectStore('rows').getAll();
      const rows = await new Promise<{ frameIndex: number; time: string }[]>((resolve, reject) => {
        get.onsuccess = () => resolve(get.result as { frameIndex: number; time: string }[]);
        get.onerror = () => reject(get.error ?? new Error('getAll failed'));
      });
      db.close();
      return { inMemoryBeforeFlush: inMemory, stored: rows.map((r) => `${r.frameIndex}@${r.time}`) };
    });
  }

  const STORAGE_NOTICES: AppErrorCode[] = ['log-storage-lost', 'log-storage-reconnected'];

  test('another tab upgrading the database: the app lets it, keeps recording, tells the user, and stores every row again', async () => {
    const app = await AppPage.open(browser(), server().url, '?record=1', { name: 'log-versionchange' });
    try {
      await app.waitForFrames(5, { timeoutMs: 120_000 });
      await pollUntil(app.page, '5 recorded rows', async () => (await app.logRows()).length, (n) => n >= 5, 60_000);

      // What another tab with a newer app does: open the database at a higher version. Its upgrade
      // waits until every other connection is closed, so the app must close its own.
      const upgrade = await app.page.evaluate(
        () =>
          new Promise<{ upgraded: boolean; blocked: boolean; codeDuringUpgrade: string | null; rowsAtClose: number }>((resolve) => {
            const dashseg = (window as unknown as { dashseg: AutomationApi }).dashseg;
            const seen = { upgraded: false, blocked: false, codeDuringUpgrade: null as string | null, rowsAtClose: 0 };
            const open = indexedDB.open('dashseg-log', 2);
            open.onblocked = () => {
              seen.blocked = true;
            };
            // Runs after the app's connection got versionchange and closed, before anything can reopen.
            open.onupgradeneeded = () => {
              seen.codeDuringUpgrade = dashseg.stats().lastError?.code ?? null;
              seen.rowsAtClose = dashseg.log().length;
            };
            open.onsuccess = () => {
              open.result.close();
              resolve({ ...seen, upgraded: true });
            };
            open.onerror = () => resolve(seen);
            setTimeout(() => resolve(seen), 15_000);
          }),
      );
      expect(upgrade, 'the other tab upgraded (the app closed its connection on versionchange)').toMatchObject({ upgraded: true, blocked: false });
      expect(upgrade.codeDuringUpgrade).toBe('log-storage-lost');

      // The store reopens (at the new version) and writes back what it kept; recording never stopped.
      await app.waitForStats('the log storage to reconnect', (s) => s.lastError?.code === 'log-storage-reconnected', {
        timeoutMs: 60_000,
        allowErrorCodes: STORAGE_NOTICES,
      });
      await pollUntil(app.page, 'rows recorded after the close', async () => (await app.logRows()).length, (n) => n >= upgrade.rowsAtClose + 3, 120_000);
      const { inMemoryBeforeFlush, stored } = await storedRowsAfterFlush(app);
      expect(stored.slice(0, inMemoryBeforeFlush.length)).toEqual(inMemoryBeforeFlush);
      const stats = await app.stats();
      expect(stats?.recording).toBe(true);
      expect(app.pageErrors).toEqual([]);

      // A reload without ?record=1 (at the app's own, now older, version) restores them all and keeps recording.
      await app.page.goto(`${server().url}/`, { waitUntil: 'load' });
      await pollUntil(app.page, 'restored rows', async () => (await app.logRows()).length, (n) => n >= inMemoryBeforeFlush.length, 60_000);
      expect(rowKeys(await app.logRows()).slice(0, inMemoryBeforeFlush.length)).toEqual(inMemoryBeforeFlush);
      const restored = await app.stats();
      expect(restored?.lastError?.code).toBe('log-restored');
      expect(restored?.recording).toBe(true);
      expect(app.pageErrors).toEqual([]);
    } finally {
      await app.close();
    }
  });

  test('the browser clearing site data (a forced close): recording goes on and every row is stored again', async () => {
    const app = await AppPage.open(browser(), server().url, '?record=1', { name: 'log-forced-close' });
    try {
      await app.waitForFrames(5, { timeoutMs: 120_000 });
      await pollUntil(app.page, '5 recorded rows', async () => (await app.logRows()).length, (n) => n >= 5, 60_000);
      await app.page.evaluate(() => (window as unknown as { dashseg: AutomationApi }).dashseg.flushLog());
      const rowsAtClose = (await app.logRows()).length;

      // Deletes the database under the app: Chromium force-closes the connection (its close event).
      const cdp = await app.context.newCDPSession(app.page);
      await cdp.send('Storage.clearDataForOrigin', { origin: new URL(server().url).origin, storageTypes: 'indexeddb' });
      await cdp.detach();

      await app.waitForStats('the log storage to reconnect', (s) => s.lastError?.code === 'log-storage-reconnected', {
        timeoutMs: 60_000,
        allowErrorCodes: STORAGE_NOTICES,
      });
      await pollUntil(app.page, 'rows recorded after the close', async () => (await app.logRows()).length, (n) => n >= rowsAtClose + 3, 120_000);
      // The database was emptied, so this holds only if the store wrote back the whole log.
      const { inMemoryBeforeFlush, stored } = await storedRowsAfterFlush(app);
      expect(inMemoryBeforeFlush.length).toBeGreaterThanOrEqual(rowsAtClose + 3);
      expect(stored.slice(0, inMemoryBeforeFlush.length)).toEqual(inMemoryBeforeFlush);
      expect(app.pageErrors).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
