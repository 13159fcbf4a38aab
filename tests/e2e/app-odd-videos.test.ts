// Odd video files, made at test time from the sample clip: a truncated or corrupt file and a codec
// the browser cannot decode get a clear message naming the file and the app keeps running; a 4K
// clip is segmented without stalling the page; a portrait clip is pillarboxed, with the mask on
// exactly the picture.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { routedUrlPath, routeLocalFiles } from '../../tools/browser/index.ts';
import { displayColor } from '../../src/processing/palette.ts';
import type { ModelContract } from '../../src/processing/modelContract.ts';
import { AppPage, artifactPath, type AppErrorCode, type AppStats, type ClassMask } from './helpers/appPage.ts';
import { useAppServer, useBrowser } from './helpers/fixtures.ts';
import { classId, fetchModelContract, shownMaskSize } from './helpers/contract.ts';
import { UPSAMPLE_BY_DEFAULT } from '../../src/processing/maskPostprocess.ts';
import { classShareInRows, darkShareInColumns, flipRows, maskColourAgreement } from './helpers/masks.ts';
import { canvasPicture, canvasWithItsMask } from './helpers/stageCapture.ts';
import { corruptedCopy, encodeClip, SAMPLE_CLIP, truncatedCopy } from './helpers/videoClips.ts';
import { freezeMasks } from './helpers/visibility.ts';

const server = useAppServer();
const browser = useBrowser(); // --disable-gpu: WebGL on SwiftShader, WASM inference

const SAMPLE_LABEL = path.basename(SAMPLE_CLIP);
/** Model load plus the first frames on this 2-core machine (loaded by training). */
const FIRST_FRAMES_MS = 90_000;
/** The 4K stall check: animation frames counted over this window, for the sample clip and for 4K. */
const STALL_WINDOW_MS = 3000;
/** With 4K the page keeps at least this share of the animation frames it had with the sample clip. */
const STALL_MIN_SHARE = 0.25;

const dir = mkdtempSync(path.join(tmpdir(), 'dashseg-odd-videos-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
/** URL key (file name) → file on disk; served to the page under ROUTE_PREFIX. */
const clips = new Map<string, string>();
const ROUTE_PREFIX = '/__videos__/';
const PORTRAIT = { width: 540, height: 960 };

beforeAll(() => {
  const add = (name: string, make: (file: string) => string): void => void clips.set(name, make(path.join(dir, name)));
  // The sample's moov box comes first, so a cut copy starts to play, then fails mid-stream.
  add('truncated.mp4', (f) => truncatedCopy(SAMPLE_CLIP, f, 0.3));
  add('corrupt.mp4', (f) => corruptedCopy(SAMPLE_CLIP, f, 0.35, 0.65));
  // HEVC, tagged hvc1 as phones write it: Chromium decodes HEVC only in hardware, and there is none here.
  add('hevc.mp4', (f) => encodeClip(SAMPLE_CLIP, f, { seconds: 2, encoder: 'libx265', extraArgs: ['-tag:v', 'hvc1', '-x265-params', 'log-level=error'], expect: { codec: 'hevc' } }));
  add('4k.mp4', (f) => encodeClip(SAMPLE_CLIP, f, { seconds: 4, filter: 'scale=3840:2160', expect: { codec: 'h264', width: 3840, height: 2160 } }));
  add('portrait.mp4', (f) => encodeClip(SAMPLE_CLIP, f, { seconds: 4, filter: 'transpose=1', expect: { codec: 'h264', ...PORTRAIT } }));
}, 120_000);

let app: AppPage | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

function clipFile(name: string): string {
  const file = clips.get(name);
  if (!file) throw new Error(`no test clip ${name} (see beforeAll)`);
  return file;
}

/** Opens the app with the test clips served at ROUTE_PREFIX (same origin, so COEP allows them). */
function openApp(query: string, name: string): Promise<AppPage> {
  return AppPage.open(browser(), server().url, query, { name, prepare: (context) => routeLocalFiles(context, ROUTE_PREFIX, clips) });
}

const srcQuery = (name: string): string => `?src=${routedUrlPath(ROUTE_PREFIX, name)}`;

/** The contract of the model the app runs (a shipped model: /models/<name>.json). */
function runningModelContract(s: AppStats): Promise<ModelContract> {
  return fetchModelContract(server().url, `/models/${s.model}.json`);
}

/** The user's path for a local file: "Open video…" and the browser's file chooser. */
async function chooseVideoFile(page: Page, file: string): Promise<void> {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('#source-file')]);
  await chooser.setFiles(file);
}

/** Waits for the one error the test expects (any other error ends the wait at once). */
function waitForError(a: AppPage, code: AppErrorCode, timeoutMs: number): Promise<AppStats> {
  return a.waitForStats(`the ${code} message`, (s) => s.lastError?.code === code, { timeoutMs, allowErrorCodes: [code] });
}

/** After a failed source: choosing the sample clip works and its frames get segmented. */
async function expectSampleSegmentedAfter(a: AppPage, failed: AppStats): Promise<void> {
  const code = failed.lastError?.code;
  await a.page.click('#source-sample');
  const after = await a.waitForStats('frames of the sample chosen after the error', (s) => s.source?.label === SAMPLE_LABEL && s.frames >= failed.frames + 3, {
    timeoutMs: 60_000,
    allowErrorCodes: code ? [code] : [],
  });
  expect(after.source?.kind).toBe('video-file');
  expect(a.pageErrors).toEqual([]);
}

/** A damaged file given with ?src=: it may play for a while, then the decode error is shown. */
async function expectDecodeError(name: string): Promise<void> {
  app = await openApp(srcQuery(name), name.replace(/\.mp4$/, ''));
  const failed = await waitForError(app, 'video-decode', FIRST_FRAMES_MS);
  expect(failed.lastError?.message).toContain(name);
  expect(failed.lastError?.message).toMatch(/corrupt or truncated/);
  expect(failed.source).toMatchObject({ kind: 'video-file', ended: true });
  expect(await app.page.locator('#banner').textContent()).toContain(name);
  console.log(`[${name}] ${failed.frames} frames before: ${failed.lastError?.message}`);
  await expectSampleSegmentedAfter(app, failed);
}

interface AnimationFrames {
  readonly count: number;
  readonly longestGapMs: number;
}

/** requestAnimationFrame callbacks the page gets in `ms`, and the longest gap between two. */
function countAnimationFrames(page: Page, ms: number): Promise<AnimationFrames> {
  return page.evaluate((duration) => new Promise<AnimationFrames>((resolve) => {
    const start = performance.now();
    let count = 0;
    let last = start;
    let longestGapMs = 0;
    const tick = (now: number): void => {
      count++;
      longestGapMs = Math.max(longestGapMs, now - last);
      last = now;
      if (now - start < duration) requestAnimationFrame(tick);
      else resolve({ count, longestGapMs: Math.round(longestGapMs) });
    };
    requestAnimationFrame(tick);
  }), ms);
}

describe('odd video files', () => {
  test('a truncated video: a clear decode error naming it; the sample chosen afterwards is segmented', async () => {
    await expectDecodeError('truncated.mp4');
  });

  test('a corrupt video (valid header, garbage frames): a clear decode error naming it; the app keeps running', async () => {
    await expectDecodeError('corrupt.mp4');
  });

  test('a codec the browser cannot decode (HEVC): refused with a message naming file and codec; the sample keeps playing', async () => {
    app = await openApp('', 'hevc');
    // The premise: this Chromium really cannot play HEVC (else this test proves nothing; pick another codec).
    const hevcSupport = await app.page.evaluate(() => document.createElement('video').canPlayType('video/mp4; codecs="hvc1.1.6.L90.B0"'));
    expect(hevcSupport, 'canPlayType(HEVC) in this Chromium').toBe('');
    const playing = await app.waitForFrames(2, { timeoutMs: FIRST_FRAMES_MS });
    await chooseVideoFile(app.page, clipFile('hevc.mp4'));
    const refused = await waitForError(app, 'video-unsupported', 30_000);
    expect(refused.lastError?.message).toContain('hevc.mp4');
    // Names the problem, not a list of guesses ("not found, not a video, or ...").
    expect(refused.lastError?.message).toMatch(/codec/);
    expect(refused.lastError?.message).not.toMatch(/not found/);
    expect(await app.page.locator('#banner').textContent()).toContain('hevc.mp4');
    console.log(`[hevc] ${refused.lastError?.message}`);
    // The app keeps running on what it was playing before.
    const after = await app.waitForStats('more frames of the sample after the refusal', (s) => s.frames >= Math.max(playing.frames, refused.frames) + 3, {
      timeoutMs: 60_000,
      allowErrorCodes: ['video-unsupported'],
    });
    expect(after.source?.label).toBe(SAMPLE_LABEL);
    expect(app.pageErrors).toEqual([]);
  });

  test('a 4K video: segmented at the model input size while the page keeps drawing', async () => {
    // The stall check compares the page with itself on this machine: animation frames while the
    // sample clip (960x540) plays, then while the 4K clip plays, in the same page. A fixed count would
    // only fit one machine's speed (software GL here differs ~6x between VMs of one kind).
    app = await openApp('', '4k');
    const sample = await app.waitForFrames(3, { timeoutMs: FIRST_FRAMES_MS });
    expect(sample.source?.label).toBe(SAMPLE_LABEL);
    const contract = await runningModelContract(sample);
    const baseline = await countAnimationFrames(app.page, STALL_WINDOW_MS);
    await chooseVideoFile(app.page, clipFile('4k.mp4'));
    const first = await app.waitForStats('frames of the 4K clip', (s) => s.source?.label === '4k.mp4' && s.frames >= sample.frames + 3, { timeoutMs: 60_000 });
    // A stall is the page's own doing and shows in every window; a burst of load from elsewhere on the
    // machine does not: the best of up to 3 windows is compared.
    let frames = await countAnimationFrames(app.page, STALL_WINDOW_MS);
    for (let retry = 0; retry < 2 && frames.count < STALL_MIN_SHARE * baseline.count; retry++) {
      console.log(`[4k] window ${retry + 1}: ${frames.count} animation frames (sample clip ${baseline.count}); measuring again`);
      const again = await countAnimationFrames(app.page, STALL_WINDOW_MS);
      if (again.count > frames.count) frames = again;
    }
    const later = await app.waitForFrames(first.frames + 3, { timeoutMs: 60_000 });
    const mask = await app.latestMask();
    expect(mask).not.toBeNull();
    if (!mask) return;
    // Real picture content, not a blank or garbled frame: the highway's road fills the lower half.
    const road = classShareInRows(mask, classId(contract, 'Road'), mask.height / 2, mask.height);
    console.log(`[4k] ${later.frames} frames, inference ${later.fps.toFixed(2)} fps, render ${later.renderFps.toFixed(1)} fps; animation frames in ${STALL_WINDOW_MS / 1000} s: sample clip ${baseline.count} (longest gap ${baseline.longestGapMs} ms), 4K ${frames.count} (longest gap ${frames.longestGapMs} ms); mask ${mask.width}x${mask.height}, road in lower half ${(100 * road).toFixed(1)} %`);
    expect({ width: mask.width, height: mask.height }).toEqual(shownMaskSize(contract, UPSAMPLE_BY_DEFAULT));
    expect(road).toBeGreaterThan(0.25);
    // The 4K frames are drawn: without the overlay, the canvas is dark only in the bars above and below (~24 %).
    await app.page.locator('#opacity').fill('0');
    const dark = darkShareInColumns(await canvasPicture(app), 0, Infinity);
    expect(dark, 'dark share of the canvas showing the video alone').toBeLessThan(0.4);
    // Not a timing target, a stall check against the same page on the small clip. The pacers keep
    // video uploads to a third and frame copies to a quarter of the main thread, so the page keeps
    // well over a quarter of its animation frames; unpaced, a 4K texture upload per video frame left
    // it 5-8 per 2 s where the sample clip had ~55 (about a tenth).
    expect(frames.count, `animation frames with the 4K clip vs ${baseline.count} with the sample clip`).toBeGreaterThanOrEqual(STALL_MIN_SHARE * baseline.count);
    expect(app.pageErrors).toEqual([]);
  });

  test('a portrait video: pillarboxed at its own aspect ratio, the mask covering exactly the picture', async () => {
    app = await openApp('', 'portrait');
    const landscape = await app.waitForFrames(2, { timeoutMs: FIRST_FRAMES_MS });
    const contract = await runningModelContract(landscape);
    await chooseVideoFile(app.page, clipFile('portrait.mp4'));
    const s = await app.waitForStats('frames of the portrait clip', (v) => v.source?.label === 'portrait.mp4' && v.frames >= landscape.frames + 3, { timeoutMs: 60_000 });
    expect(s.source?.kind).toBe('video-file');
    await freezeMasks(app);
    // The video alone: it fills exactly the rectangle its aspect ratio gives, dark bars left and right.
    await app.page.locator('#opacity').fill('0');
    const video = await canvasPicture(app);
    const { width: W, height: H } = video;
    expect(W / H, 'the canvas is landscape').toBeGreaterThan(1);
    const rect = { x: (W - (H * PORTRAIT.width) / PORTRAIT.height) / 2, y: 0, width: (H * PORTRAIT.width) / PORTRAIT.height, height: H };
    const leftBar = darkShareInColumns(video, 0, rect.x - 2);
    const rightBar = darkShareInColumns(video, rect.x + rect.width + 2, W);
    const picture = darkShareInColumns(video, rect.x + 2, rect.x + rect.width - 2);
    // Fully opaque overlay, every class in its own colour: what is drawn is the mask alone.
    await app.page.locator('#opacity').fill('1');
    await app.page.locator('#dim-others').uncheck();
    const { picture: overlay, mask } = await canvasWithItsMask(app);
    const colour = new Map(contract.classes.map((c) => [c.id, displayColor(contract, c)]));
    const colourOf = (id: number): readonly [number, number, number] => colour.get(id) ?? [0, 0, 0];
    const agreement = maskColourAgreement(overlay, rect, mask, colourOf);
    await app.screenshot(artifactPath('portrait-pillarbox.png'));
    console.log(`[portrait] canvas ${W}x${H}, picture ${rect.width.toFixed(1)} px wide at x ${rect.x.toFixed(1)}: dark bars ${(100 * leftBar).toFixed(1)} % / ${(100 * rightBar).toFixed(1)} %, dark inside ${(100 * picture).toFixed(1)} %; mask colours agree on ${(100 * agreement).toFixed(1)} % of it`);
    expect(leftBar, 'left bar is dark').toBeGreaterThan(0.99);
    expect(rightBar, 'right bar is dark').toBeGreaterThan(0.99);
    expect(picture, 'the video is drawn inside').toBeLessThan(0.1);
    expect([overlay.width, overlay.height]).toEqual([W, H]);
    expect(agreement, 'the mask drawn over exactly the picture rectangle').toBeGreaterThan(0.95);
    // Self-check of the criterion on this screenshot: a flipped mask, or one stretched over the whole canvas, fails it.
    expect(maskColourAgreement(overlay, rect, flipRows(mask), colourOf)).toBeLessThan(0.9);
    expect(maskColourAgreement(overlay, { x: 0, y: 0, width: W, height: H }, mask, colourOf)).toBeLessThan(0.9);
  });
});
