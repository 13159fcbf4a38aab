// The mask layer: three.js draws the masks in a worker on an OffscreenCanvas by default, and on the
// page's thread with ?masklayer=inline (where a canvas cannot go to a worker). Both show the mask over
// exactly the picture. A mask-layer worker that crashes is replaced with a notice and drawing goes on,
// the log keeping its rows; a browser without WebGL2 gets a clear error while segmentation carries on.

import { afterEach, describe, expect, test } from 'vitest';
import { displayColor } from '../../src/processing/palette.ts';
import type { ModelContract } from '../../src/processing/modelContract.ts';
import { AppPage, type AppErrorCode, type AppLogRow } from './helpers/appPage.ts';
import { useAppServer, useBrowser } from './helpers/fixtures.ts';
import { fetchModelContract } from './helpers/contract.ts';
import { maskColourAgreement } from './helpers/masks.ts';
import { canvasWithItsMask } from './helpers/stageCapture.ts';
import { freezeMasks } from './helpers/visibility.ts';
import { maskLayerWorkers } from './helpers/workers.ts';

const server = useAppServer();
const browser = useBrowser(); // --disable-gpu: WebGL on SwiftShader, WASM inference

/** Model load plus the first frames on this 2-core machine (loaded by training). */
const FIRST_FRAMES_MS = 90_000;
const TEST_TIMEOUT_MS = 150_000;
/** The sample clip's size (the picture's aspect ratio on the stage). */
const CLIP = { width: 960, height: 540 };

let app: AppPage | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

/** Share of the letterboxed picture whose colour is the shown mask's (opacity 1, every class its own colour). */
async function maskOnPictureAgreement(a: AppPage, contract: ModelContract, allowErrorCodes: readonly AppErrorCode[] = []): Promise<number> {
  await freezeMasks(a, allowErrorCodes);
  await a.page.locator('#opacity').fill('1');
  await a.page.locator('#dim-others').uncheck();
  const { picture, mask } = await canvasWithItsMask(a);
  const height = (picture.width * CLIP.height) / CLIP.width;
  const rect = { x: 0, y: (picture.height - height) / 2, width: picture.width, height };
  const colour = new Map(contract.classes.map((c) => [c.id, displayColor(contract, c)]));
  return maskColourAgreement(picture, rect, mask, (id) => colour.get(id) ?? [0, 0, 0]);
}

/**
 * The app reads the video's frame rate from its presented-frame count (no per-frame callback on the
 * page); over the same 3 s, that count and a requestVideoFrameCallback count agree, and so does the HUD's rate.
 */
async function videoRateAgreesWithCallbacks(a: AppPage): Promise<void> {
  const counted = (await a.page.evaluate(`new Promise((resolve) => {
    const video = document.querySelector('#stage video');
    const presented = () => { const q = video.getVideoPlaybackQuality(); return q.totalVideoFrames - q.droppedVideoFrames; };
    const start = presented();
    let callbacks = 0;
    const onFrame = () => { callbacks++; video.requestVideoFrameCallback(onFrame); };
    video.requestVideoFrameCallback(onFrame);
    setTimeout(() => resolve({ callbacks, presented: presented() - start, appFps: window.dashseg.stats().videoFps }), 3000);
  })`)) as { callbacks: number; presented: number; appFps: number };
  console.log(`[video rate] 3 s: ${counted.callbacks} requestVideoFrameCallback calls, ${counted.presented} presented frames (getVideoPlaybackQuality); app video fps ${counted.appFps.toFixed(1)}`);
  expect(counted.callbacks).toBeGreaterThan(10);
  expect(Math.abs(counted.presented - counted.callbacks)).toBeLessThanOrEqual(Math.max(3, 0.1 * counted.callbacks));
  expect(Math.abs(counted.appFps - counted.callbacks / 3)).toBeLessThanOrEqual(0.2 * (counted.callbacks / 3));
}

describe('mask layer', () => {
  for (const mode of ['worker', 'inline'] as const) {
    test(`${mode}: masks drawn over exactly the picture${mode === 'worker' ? ' by a worker of its own' : ' on the page\'s thread'}`, async () => {
      const a = await AppPage.open(browser(), server().url, mode === 'inline' ? '?masklayer=inline' : '', { name: `mask-layer-${mode}` });
      app = a;
      const s = await a.waitForStats('3 masks drawn', (x) => x.masksDrawn >= 3, { timeoutMs: FIRST_FRAMES_MS });
      expect(maskLayerWorkers(a.page)).toHaveLength(mode === 'worker' ? 1 : 0);
      expect(s.masksDrawn).toBeLessThanOrEqual(s.frames);
      if (mode === 'worker') await videoRateAgreesWithCallbacks(a);
      const contract = await fetchModelContract(server().url);
      const agreement = await maskOnPictureAgreement(a, contract);
      console.log(`[mask-layer ${mode}] ${s.masksDrawn} of ${s.frames} masks drawn; mask colours agree on ${(100 * agreement).toFixed(1)} % of the picture`);
      expect(agreement).toBeGreaterThan(0.95);
      expect(a.pageErrors).toEqual([]);
    }, TEST_TIMEOUT_MS);
  }

  test('a crashed mask-layer worker is replaced with a notice; masks are drawn and logged again, earlier rows kept', async () => {
    const a = await AppPage.open(browser(), server().url, '?record=1', { name: 'mask-layer-crash' });
    app = a;
    await a.waitForStats('3 masks drawn', (x) => x.masksDrawn >= 3, { timeoutMs: FIRST_FRAMES_MS });
    const rowKey = (r: AppLogRow): string => `${r.frameIndex}@${r.time}`;
    const before = (await a.logRows()).map(rowKey);
    const [worker] = maskLayerWorkers(a.page);
    await worker!.evaluate(() => {
      setTimeout(() => {
        throw new Error('injected mask layer crash');
      });
    });
    const restarted = await a.waitForStats('the mask layer to be restarted', (x) => x.lastError?.code === 'mask-layer-restarted', {
      timeoutMs: 30_000,
      allowErrorCodes: ['mask-layer-restarted'],
    });
    expect(restarted.lastError?.message).toContain('injected mask layer crash');
    const after = await a.waitForStats('masks drawn again', (x) => x.masksDrawn >= restarted.masksDrawn + 3, {
      timeoutMs: 30_000,
      allowErrorCodes: ['mask-layer-restarted'],
    });
    expect(maskLayerWorkers(a.page)).toHaveLength(1);
    const rows = (await a.logRows()).map(rowKey);
    expect(rows.slice(0, before.length), 'rows recorded before the crash').toEqual(before);
    expect(rows.length).toBeGreaterThan(before.length + 2);
    const contract = await fetchModelContract(server().url);
    expect(await maskOnPictureAgreement(a, contract, ['mask-layer-restarted']), 'the new canvas is placed on the picture').toBeGreaterThan(0.95);
    console.log(`[mask-layer crash] ${restarted.lastError?.message}; masks drawn ${restarted.masksDrawn} → ${after.masksDrawn}, log rows ${before.length} → ${rows.length}`);
    expect(a.pageErrors).toEqual([]);
  }, TEST_TIMEOUT_MS);

  test('no WebGL2: a clear error naming it; segmentation carries on', async () => {
    const a = await AppPage.open(browser(), server().url, '', {
      name: 'mask-layer-no-webgl',
      initScript: () => {
        // A browser without WebGL2, in the page and for a canvas handed to a worker alike.
        const getContext = HTMLCanvasElement.prototype.getContext;
        HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement, type: string, ...rest: unknown[]) {
          return type === 'webgl2' || type === 'webgl' ? null : (getContext as (...args: unknown[]) => RenderingContext | null).call(this, type, ...rest);
        } as typeof HTMLCanvasElement.prototype.getContext;
        Object.defineProperty(HTMLCanvasElement.prototype, 'transferControlToOffscreen', { value: undefined });
      },
    });
    app = a;
    // No mask can reach a canvas here: wait for segmented frames only (waitForFrames also waits for a mask drawn).
    const s = await a.waitForStats('3 segmented frames without a mask layer', (st) => st.frames >= 3, { timeoutMs: FIRST_FRAMES_MS, allowErrorCodes: ['webgl-unavailable'] });
    expect(s.lastError?.code).toBe('webgl-unavailable');
    expect(s.lastError?.message).toMatch(/WebGL2 is not available/);
    expect(s.masksDrawn).toBe(0);
    expect(await a.page.locator("#banner").textContent()).toContain("WebGL2");
    expect(a.pageErrors).toEqual([]);
  }, TEST_TIMEOUT_MS);
});
