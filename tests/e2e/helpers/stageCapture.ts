// The stage as the user sees it (the video the browser shows, with the mask canvas over it), as pixels.

import { PNG } from 'pngjs';
import type { AppPage, ClassMask } from './appPage.ts';
import { maskAgreement, type RgbaPicture } from './masks.ts';

/**
 * The stage's pixels once what was just set is on screen: the mask layer draws in its own worker, so
 * a control changed a moment ago needs the worker's draw and two display frames.
 */
export async function canvasPicture(a: AppPage): Promise<RgbaPicture> {
  await a.page.waitForTimeout(300);
  await a.page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
  const png = PNG.sync.read(await a.page.locator('#stage').screenshot());
  return { width: png.width, height: png.height, data: png.data };
}

/** The stage's pixels with the mask it shows (call freezeMasks first). */
export async function canvasWithItsMask(a: AppPage): Promise<{ picture: RgbaPicture; mask: ClassMask }> {
  const before = await a.latestMask();
  const picture = await canvasPicture(a);
  const after = await a.latestMask();
  if (!before || !after || before.width !== after.width || before.height !== after.height || maskAgreement(before, after) !== 1) {
    throw new Error('the mask changed while the canvas was captured');
  }
  return { picture, mask: after };
}
