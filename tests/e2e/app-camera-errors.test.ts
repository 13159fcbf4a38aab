// Camera problems get a clear message and the app keeps running: permission denied, no camera.

import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { useAppServer, useBrowser } from './helpers/fixtures.ts';
import { waitForStats } from './helpers/pagePolling.ts';

const server = useAppServer();

async function cameraFails(page: Page, url: string, code: string, words: RegExp): Promise<void> {
  await page.goto(`${url}/?camera=1`);
  const s = await waitForStats(page, 'a camera error', (v) => v.lastError !== null);
  expect(s.lastError?.code).toBe(code);
  expect(s.lastError?.message).toMatch(words);
  expect(await page.locator('#banner').textContent()).toMatch(words);
  // The app is still usable: the sample clip plays and gets segmented.
  await page.click('#source-sample');
  const after = await waitForStats(page, 'frames from the sample after the camera error', (v) => v.frames >= 3);
  expect(after.source?.kind).toBe('video-file');
}

describe('camera permission denied', () => {
  // A fake camera exists, but without --use-fake-ui-for-media-stream headless Chromium denies access.
  const browser = useBrowser({ extraArgs: ['--use-fake-device-for-media-stream'] });
  test('says the permission was denied', async () => {
    const context = await browser().newContext();
    try {
      await cameraFails(await context.newPage(), server().url, 'camera-denied', /permission was denied/);
    } finally {
      await context.close();
    }
  });
});

describe('no camera', () => {
  // Access is granted, but a headless machine without --use-fake-device-for-media-stream has no camera.
  const browser = useBrowser({ extraArgs: ['--use-fake-ui-for-media-stream'] });
  test('says no camera was found', async () => {
    const context = await browser().newContext();
    try {
      await cameraFails(await context.newPage(), server().url, 'camera-missing', /no camera/);
    } finally {
      await context.close();
    }
  });
});
