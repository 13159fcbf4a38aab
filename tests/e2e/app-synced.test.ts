// Synced mask mode draws each mask on the exact frame it was computed from; the default (live) mode
// draws the latest mask over the live video. The test clip carries its frame number n as a white
// box in a black band at the top (box k = n mod 20 of 20 cells): with new frames stopped, the box on
// the canvas names the frame shown, and the log row of the mask on screen names the mask's frame.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { routedUrlPath, routeLocalFiles } from '../../tools/browser/index.ts';
import { AppPage, type AppLogRow } from './helpers/appPage.ts';
import { useAppServer, useBrowser } from './helpers/fixtures.ts';
import { encodeClip, SAMPLE_CLIP } from './helpers/videoClips.ts';
import { freezeMasks, setHidden } from './helpers/visibility.ts';

const server = useAppServer();
const browser = useBrowser();

const FPS = 25;
const CELLS = 20;
/** Band height in the 960x540 clip. */
const BAND = 60;
const FIRST_FRAMES_MS = 90_000;

const dir = mkdtempSync(path.join(tmpdir(), 'dashseg-synced-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const clips = new Map<string, string>();
const ROUTE_PREFIX = '/__synced__/';

beforeAll(() => {
  const file = path.join(dir, 'numbered.mp4');
  const inBand = `lt(Y\\,${BAND})`;
  const inChromaBand = `lt(Y\\,${BAND / 2})`; // chroma planes have half the rows (4:2:0)
  const inBox = `eq(floor(X/${960 / CELLS})\\,mod(N\\,${CELLS}))`;
  encodeClip(SAMPLE_CLIP, file, {
    seconds: 6,
    filter: `geq=lum='if(${inBand}\\,if(${inBox}\\,255\\,0)\\,lum(X\\,Y))':cb='if(${inChromaBand}\\,128\\,cb(X\\,Y))':cr='if(${inChromaBand}\\,128\\,cr(X\\,Y))'`,
    expect: { codec: 'h264', width: 960, height: 540 },
  });
  clips.set('numbered.mp4', file);
}, 120_000);

let app: AppPage | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

/** The cell of the white box on the canvas (the clip is letterboxed in it), or null when none is clear. */
async function cellOnScreen(a: AppPage): Promise<number | null> {
  await a.page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
  const png = PNG.sync.read(await a.page.locator('#stage').screenshot());
  const scale = Math.min(png.width / 960, png.height / 540);
  const left = (png.width - 960 * scale) / 2;
  const row = Math.round((png.height - 540 * scale) / 2 + (BAND / 2) * scale);
  const cellWidth = (960 * scale) / CELLS;
  const brightness = Array.from({ length: CELLS }, (_, k) => {
    let sum = 0;
    let n = 0;
    for (let x = Math.ceil(left + (k + 0.25) * cellWidth); x < left + (k + 0.75) * cellWidth; x++) {
      const i = (row * png.width + x) * 4;
      sum += ((png.data[i] as number) + (png.data[i + 1] as number) + (png.data[i + 2] as number)) / 3;
      n++;
    }
    return sum / n;
  });
  const bright = brightness.flatMap((b, k) => (b > 200 ? [k] : []));
  const dark = brightness.filter((b) => b < 60).length;
  return bright.length === 1 && dark === CELLS - 1 ? (bright[0] as number) : null;
}

/** Remembers every media element that plays, to find the app's (test hook only). */
const REMEMBER_VIDEOS = `(() => {
  const play = HTMLMediaElement.prototype.play;
  HTMLMediaElement.prototype.play = function () {
    const seen = (window.__videos ??= []);
    if (!seen.includes(this)) seen.push(this);
    return play.call(this);
  };
})()`;

const cellOfTime = (seconds: number): number => Math.round(seconds * FPS) % CELLS;

/**
 * With new frames stopped (the tab hidden), plays the video element on for ~0.3 s behind the app's
 * back (so the video and the mask's frame surely differ), then reads the cell of the frame shown, of
 * the mask's frame and of the video's.
 */
async function frozenState(a: AppPage): Promise<{ shown: number | null; mask: number; video: number }> {
  await a.page.evaluate(async () => {
    const video = (window as unknown as { __videos?: HTMLVideoElement[] }).__videos?.at(-1);
    if (!video) throw new Error('no video element was played');
    await video.play();
    await new Promise((resolve) => setTimeout(resolve, 300));
    video.pause();
  });
  await a.page.locator('#opacity').fill('0'); // the picture alone (the mask still counts as shown)
  const shown = await cellOnScreen(a);
  const rows: AppLogRow[] = await a.logRows();
  const last = rows[rows.length - 1];
  if (!last || last.mediaTimeS === null || last.mediaTimeS === undefined) throw new Error('no log row with a media time for the mask on screen');
  const videoTime = await a.page.evaluate(() => (window as unknown as { __videos?: HTMLVideoElement[] }).__videos?.at(-1)?.currentTime ?? Number.NaN);
  return { shown, mask: cellOfTime(last.mediaTimeS), video: cellOfTime(videoTime) };
}

describe('synced mask mode', () => {
  test('synced: the frame shown is the mask\'s own frame; live: the frame shown is the video\'s', async () => {
    app = await AppPage.open(browser(), server().url, `?src=${routedUrlPath(ROUTE_PREFIX, 'numbered.mp4')}&synced=1&record=1`, {
      name: 'synced',
      prepare: async (context) => {
        await context.addInitScript({ content: REMEMBER_VIDEOS });
        return routeLocalFiles(context, ROUTE_PREFIX, clips);
      },
    });
    let s = await app.waitForFrames(4, { timeoutMs: FIRST_FRAMES_MS });
    expect(await app.page.locator('#synced').isChecked(), '?synced=1 ticks the toggle').toBe(true);
    const synced: { shown: number | null; mask: number; video: number }[] = [];
    for (let k = 0; k < 3; k++) {
      await freezeMasks(app);
      synced.push(await frozenState(app));
      await setHidden(app.page, false);
      s = await app.waitForFrames(s.frames + 3, { timeoutMs: 60_000, allowErrorCodes: ['paused-hidden'] });
    }
    console.log(`[synced] cells shown / of the mask / of the video: ${synced.map((f) => `${f.shown}/${f.mask}/${f.video}`).join(', ')}`);
    for (const f of synced) {
      expect(f.shown, 'synced: the picture is the frame the mask was computed from').toBe(f.mask);
      expect(f.video, 'the video moved on (the check could fail)').not.toBe(f.mask);
    }

    await app.page.locator('#synced').uncheck();
    s = await app.waitForFrames(s.frames + 3, { timeoutMs: 60_000, allowErrorCodes: ['paused-hidden'] });
    await freezeMasks(app);
    const live = await frozenState(app);
    console.log(`[live] cell shown ${live.shown}, of the mask ${live.mask}, of the video ${live.video}`);
    // Live, the app shows the <video> element itself (no copy): the still canvas is hidden.
    expect(await app.page.locator('#stage .stage-still').isHidden(), 'live: no still over the video').toBe(true);
    // A paused element's currentTime lags the frame it shows by up to one frame here.
    const offByAtMostOne = live.shown !== null && [0, 1, CELLS - 1].includes((live.shown - live.video + CELLS) % CELLS);
    expect(offByAtMostOne, 'live: the picture is the video as it is now').toBe(true);
    expect(live.shown, 'live: not the mask\'s frame').not.toBe(live.mask);
    expect(app.pageErrors).toEqual([]);
  });
});
