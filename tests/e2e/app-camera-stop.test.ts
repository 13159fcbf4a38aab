// A stopped webcam costs nothing: @mediapipe/camera_utils runs its own requestAnimationFrame loop,
// which Camera.stop() does not end. Starting and stopping the fake camera 5 times (Webcam button,
// then the Sample clip button, which disposes the webcam source) must not leave any animation-frame
// loop behind. Measured as the number of rAF callbacks the page runs per animation frame (every
// callback of one frame gets the same timestamp), before and after the cycles, while the test runs a
// loop of its own (the app has none: it draws when a mask arrives): each loop costs exactly one
// callback per frame, whatever the machine's speed.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { PROJECT_ROOT } from '../../tools/browser/index.ts';
import { AppPage } from './helpers/appPage.ts';
import { useAppServer, useBrowser } from './helpers/fixtures.ts';
import { makeFakeCameraClip } from './helpers/fakeCamera.ts';

const server = useAppServer();
const clipDir = mkdtempSync(path.join(tmpdir(), 'dashseg-fake-camera-stop-'));
afterAll(() => rmSync(clipDir, { recursive: true, force: true }));

const CYCLES = 5;

interface RafProbe {
  /** Callbacks run, per animation-frame timestamp, in frame order. */
  frames: Map<number, number>;
  /** Registration stack of each callback run in the newest frame (for the failure message). */
  lastFrameStacks: string[];
  lastFrameTime: number;
}

/** Init script: wraps requestAnimationFrame to count the callbacks run in each animation frame. */
function installRafProbe(): void {
  const probe: RafProbe = { frames: new Map(), lastFrameStacks: [], lastFrameTime: -1 };
  (window as unknown as { __rafProbe: RafProbe }).__rafProbe = probe;
  const original = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (callback: FrameRequestCallback): number => {
    const stack = (new Error().stack ?? '').split('\n').slice(2, 6).join(' | ');
    return original((time) => {
      probe.frames.set(time, (probe.frames.get(time) ?? 0) + 1);
      if (time !== probe.lastFrameTime) {
        probe.lastFrameTime = time;
        probe.lastFrameStacks = [];
      }
      probe.lastFrameStacks.push(stack);
      if (probe.frames.size > 2000) probe.frames.delete(probe.frames.keys().next().value as number);
      callback(time);
    });
  };
}

/**
 * rAF callbacks per animation frame over at least `minFrames` complete frames: the median (a frame
 * is only complete once a later one has begun, so the newest is left out). The test's own loop runs
 * meanwhile (one callback per frame), so that frames come even when nothing else asks for them.
 */
async function rafCallbacksPerFrame(page: Page, minFrames = 30): Promise<{ perFrame: number; frames: number; stacks: string[] }> {
  return page.evaluate(async (min) => {
    const probe = (window as unknown as { __rafProbe: RafProbe }).__rafProbe;
    const skip = new Set(probe.frames.keys());
    let measuring = true;
    const testLoop = (): void => {
      if (measuring) requestAnimationFrame(testLoop);
    };
    requestAnimationFrame(testLoop);
    const counts = (): number[] => [...probe.frames.entries()].filter(([t]) => !skip.has(t)).map(([, n]) => n).slice(0, -1);
    const started = Date.now();
    while (counts().length < min) {
      if (Date.now() - started > 60_000) throw new Error(`only ${counts().length} animation frames in 60 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
    measuring = false;
    const sorted = counts().sort((a, b) => a - b);
    return { perFrame: sorted[Math.floor(sorted.length / 2)] ?? 0, frames: sorted.length, stacks: [...probe.lastFrameStacks] };
  }, minFrames);
}

describe('webcam stop (fake camera)', () => {
  const browser = useBrowser(() => ({
    fakeCameraFile: makeFakeCameraClip(path.join(PROJECT_ROOT, 'samples', 'data', 'solidWhiteRight.mp4'), path.join(clipDir, 'camera.y4m'), {
      seconds: 2,
      width: 320,
      height: 180,
      fps: 25,
    }),
  }));

  let app: AppPage | null = null;
  afterEach(async () => {
    await app?.close();
    app = null;
  });

  test(`starting and stopping the camera ${CYCLES} times leaves no animation-frame loop running`, async () => {
    app = await AppPage.open(browser(), server().url, '', { name: 'webcam-stop', initScript: installRafProbe });
    const page = app.page;
    await app.waitForStats('the sample clip', (s) => s.source?.kind === 'video-file', { timeoutMs: 120_000 });
    const before = await rafCallbacksPerFrame(page);

    for (let i = 0; i < CYCLES; i++) {
      await page.click('#source-webcam');
      const started = await app.waitForStats(`webcam start ${i + 1}`, (s) => s.source?.kind === 'webcam', { timeoutMs: 60_000 });
      // camera_utils' loop is running once the camera's frames reach the app.
      await app.waitForStats(`frames from webcam start ${i + 1}`, (s) => s.source?.kind === 'webcam' && s.frames >= started.frames + 2, { timeoutMs: 90_000 });
      await page.click('#source-sample');
      await app.waitForStats(`sample clip after webcam start ${i + 1}`, (s) => s.source?.kind === 'video-file', { timeoutMs: 60_000 });
    }

    const after = await rafCallbacksPerFrame(page);
    console.log(`[webcam-stop] rAF callbacks per frame: ${before.perFrame} before (${before.frames} frames), ${after.perFrame} after ${CYCLES} camera starts/stops (${after.frames} frames)`);
    expect(before.perFrame, 'the test\'s own loop only: the app runs no animation-frame loop').toBe(1);
    const registeredBy = new Map<string, number>();
    for (const stack of after.stacks) registeredBy.set(stack, (registeredBy.get(stack) ?? 0) + 1);
    const where = [...registeredBy].map(([stack, n]) => `${n} x ${stack}`).join('\n');
    expect(after.perFrame, `rAF loops left running after ${CYCLES} camera stops; the newest frame's callbacks were registered by:\n${where}`).toBe(before.perFrame);
    expect(app.pageErrors).toEqual([]);
  });
});
