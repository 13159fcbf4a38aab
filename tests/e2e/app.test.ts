// The built app on video files, in headless Chromium without a GPU (WASM backend): the default
// sample plays and is segmented, the highway clip's mask is plausible (road below, not above),
// and ?record=1 logs per-frame stage timings with a summary.

import { afterEach, describe, expect, test } from 'vitest';
import { AppPage, artifactPath } from './helpers/appPage.ts';
import { useAppServer, useBrowser } from './helpers/fixtures.ts';
import { classId, classNames, fetchContract, fetchModelContract, shownMaskSize } from './helpers/contract.ts';
import { classShareInRows, describeMask, flipRows } from './helpers/masks.ts';
import { STAGE_COLUMNS, type FrameLogRow, type LogSummary } from '../../src/processing/logFormat.ts';

const server = useAppServer();
const browser = useBrowser(); // --disable-gpu: WebGL on SwiftShader, no WebGPU adapter

let app: AppPage | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

/** Model load (ORT wasm compile + session) plus N frames at 100-400 ms each on a loaded machine. */
const LOAD_MS = 60_000;

describe('app on video files (WASM)', () => {
  test('default page plays the sample clip and segments it', async () => {
    app = await AppPage.open(browser(), server().url, '', { name: 'default-sample' });
    const s = await app.waitForFrames(30, { timeoutMs: LOAD_MS + 60_000 });
    await app.screenshot(artifactPath('default-sample.png'));
    expect(s.ready).toBe(true);
    expect(s.source?.kind).toBe('video-file');
    expect(s.source?.label).toBe('solidWhiteRight.mp4');
    expect(['wasm', 'webgpu']).toContain(s.backend);
    expect(s.backendReason).toBeTruthy();
    expect(s.frames).toBeGreaterThanOrEqual(30);
    expect(s.fps).toBeGreaterThan(0);
    expect(s.lastError).toBeNull();
    expect(app.pageErrors).toEqual([]);
    console.log(`[default] backend ${s.backend} x${s.threads} (${s.backendReason}); ${s.frames} frames, ${s.fps.toFixed(1)} fps, inference p50 ${s.stagesP50Ms?.inferenceMs?.toFixed(0)} ms`);
  });

  test('highway clip: road fills the lower half of the mask, not the sky', async () => {
    const contract = await fetchContract(server().url);
    const road = classId(contract, 'Road');
    const names = classNames(contract);
    app = await AppPage.open(browser(), server().url, '?src=/samples/solidWhiteRight.mp4', { name: 'highway-road' });
    let s = await app.waitForFrames(5, { timeoutMs: LOAD_MS + 30_000 });
    expect(s.source?.label).toBe('solidWhiteRight.mp4');
    // Three masks from different moments of the clip, each must be plausible on its own.
    for (let k = 0; k < 3; k++) {
      if (k > 0) s = await app.waitForFrames(s.frames + 8, { timeoutMs: 60_000 });
      const mask = await app.latestMask();
      expect(mask, 'latestMask() after frames were segmented').not.toBeNull();
      if (!mask) return;
      expect(mask.ids.length).toBe(mask.width * mask.height);
      const top = classShareInRows(mask, road, 0, mask.height / 4);
      const bottom = classShareInRows(mask, road, mask.height / 2, mask.height);
      const what = `mask ${k} (${mask.width}x${mask.height}, frame ~${s.frames}): road top quarter ${(100 * top).toFixed(1)} %, lower half ${(100 * bottom).toFixed(1)} %; classes: ${describeMask(mask, names)}`;
      console.log(`[highway] ${what}`);
      expect(bottom, what).toBeGreaterThanOrEqual(0.25);
      expect(bottom, what).toBeLessThanOrEqual(0.95);
      expect(top, what).toBeLessThan(0.05);
      // A vertically flipped or shifted mask puts road up top: require a clear difference.
      expect(bottom - top, what).toBeGreaterThanOrEqual(0.2);
      // Self-check of the criterion on this very mask: flipped upside down, it must fail.
      const flipped = flipRows(mask);
      expect(classShareInRows(flipped, road, 0, mask.height / 4), 'the flipped mask has road in its top quarter').toBeGreaterThanOrEqual(0.05);
    }
  });

  test('edges follow the picture by default (mask at the input size, guided in the worker); ?upsample=nearest and the toggle give the class map as it is', async () => {
    const contract = await fetchModelContract(server().url);
    const guided = shownMaskSize(contract, 'guided');
    const nearest = shownMaskSize(contract, 'nearest');
    expect(guided.width * guided.height).toBeGreaterThan(nearest.width * nearest.height); // the default model's map is smaller than its input
    app = await AppPage.open(browser(), server().url, '?record=1', { name: 'guided-edges' });
    let s = await app.waitForFrames(3, { timeoutMs: LOAD_MS + 30_000 });
    let mask = await app.latestMask();
    expect(mask && { width: mask.width, height: mask.height }).toEqual(guided);
    expect(await app.page.isChecked('#guided-edges')).toBe(true);
    expect(await app.page.isChecked('#drop-floating')).toBe(true); // the floating-object check is on by default
    // The toggle: later masks come at the class map's size; every log row records the upsampling stage.
    await app.page.uncheck('#guided-edges');
    const atToggle = (await app.stats())?.frames ?? s.frames; // counted from here: frames already in the worker may still be guided
    s = await app.waitForFrames(atToggle + 4, { timeoutMs: 60_000 });
    mask = await app.latestMask();
    expect(mask && { width: mask.width, height: mask.height }).toEqual(nearest);
    const rows = await app.page.evaluate(() => (window as unknown as { dashseg: { log(): FrameLogRow[] } }).dashseg.log());
    const last = rows[rows.length - 1] as FrameLogRow;
    // Stage times are recorded, never compared with a figure: they depend on the machine's speed.
    expect(typeof last.upsampleMs).toBe('number');
    expect(rows.every((r) => typeof r.upsampleMs === 'number' && typeof r.stabiliseMs === 'number')).toBe(true);
    await app.close();
    app = await AppPage.open(browser(), server().url, '?upsample=nearest&dropfloating=0', { name: 'nearest-edges' });
    await app.waitForFrames(2, { timeoutMs: LOAD_MS + 30_000 });
    mask = await app.latestMask();
    expect(mask && { width: mask.width, height: mask.height }).toEqual(nearest);
    expect(await app.page.isChecked('#guided-edges')).toBe(false);
    expect(await app.page.isChecked('#drop-floating')).toBe(false);
    expect(app.pageErrors).toEqual([]);
  });

  test('?record=1 logs every shown frame with stage timings, and summary() gives fps and latency', async () => {
    app = await AppPage.open(browser(), server().url, '?record=1', { name: 'record' });
    const s = await app.waitForFrames(12, { timeoutMs: LOAD_MS + 60_000 });
    expect(s.recording).toBe(true);
    const rows = await app.logRows();
    // A row is written when a mask is first displayed, so it may trail stats().frames by one or two.
    expect(rows.length, `log rows vs ${s.frames} segmented frames`).toBeGreaterThanOrEqual(10);
    for (const row of rows) {
      for (const stage of STAGE_COLUMNS) {
        const v = row[stage];
        // The browser shows a live video itself: no picture is copied on the page's thread, so
        // videoUploadMs (the cost of drawing a still: a sequence frame or a synced snapshot) is empty.
        if (stage === 'videoUploadMs') {
          expect(v, `row ${row.frameIndex} videoUploadMs`).toBeNull();
          continue;
        }
        expect(typeof v === 'number' && Number.isFinite(v) && v >= 0, `row ${row.frameIndex} ${stage} = ${String(v)}`).toBe(true);
      }
      expect(row.backend).toBe(s.backend);
      expect(Number.isNaN(Date.parse(String(row.time)))).toBe(false);
    }
    // The video plays in its own element: it presents frames (counted by requestVideoFrameCallback)
    // while nothing uploads them on the page's thread.
    const live = await app.waitForStats('the shown video presenting frames', (v) => v.videoFps > 0, { timeoutMs: 10_000 });
    expect(live.stagesP50Ms?.['videoUploadMs']).toBeNull();
    expect(await app.page.locator('#stage video').count()).toBe(1);
    // Inference and latency are real work, not zeros; latency covers at least the inference.
    const inference = rows.map((r) => r.inferenceMs ?? 0);
    expect(Math.min(...inference)).toBeGreaterThan(1);
    for (const r of rows) expect(r.latencyMs ?? 0).toBeGreaterThanOrEqual(r.inferenceMs ?? Infinity);
    // Frame indices increase (frames are dropped while one is in flight, never reordered).
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.frameIndex).toBeGreaterThan(rows[i - 1]!.frameIndex);

    const doc = (await app.summary()) as { startedAt: string | null; summary: LogSummary; rows: FrameLogRow[] };
    const sum = doc.summary;
    expect(doc.startedAt).toBeTruthy();
    expect(sum.frames).toBe(doc.rows.length);
    expect(sum.frames).toBeGreaterThanOrEqual(rows.length);
    expect(sum.backends).toEqual([s.backend]);
    expect(sum.fps.mean).toBeGreaterThan(0);
    expect(sum.fps.p50).toBeGreaterThan(0);
    expect(sum.latencyMs.p50).toBeGreaterThan(0);
    expect(sum.latencyMs.p95).toBeGreaterThanOrEqual(sum.latencyMs.p50 ?? Infinity);
    for (const stage of STAGE_COLUMNS) {
      if (stage !== 'videoUploadMs') expect(sum.stagesMs[stage].p50, `summary stagesMs.${stage}.p50`).not.toBeNull();
    }
    expect(sum.model).toBe(s.model);
    console.log(`[record] ${rows.length} rows; summary: ${sum.frames} frames, fps mean ${sum.fps.mean} p50 ${sum.fps.p50}, latency p50 ${sum.latencyMs.p50} ms p95 ${sum.latencyMs.p95} ms, inference p50 ${sum.stagesMs.inferenceMs.p50} ms`);
  });
});
