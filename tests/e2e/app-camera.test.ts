// ?camera=1 with Chromium's fake camera playing a .y4m made from the sample clip: the webcam path
// (@mediapipe/camera_utils → worker) segments real frames.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { PROJECT_ROOT } from '../../tools/browser/index.ts';
import { AppPage, artifactPath } from './helpers/appPage.ts';
import { useAppServer, useBrowser } from './helpers/fixtures.ts';
import { makeFakeCameraClip } from './helpers/fakeCamera.ts';
import { classId, fetchContract } from './helpers/contract.ts';
import { classShareInRows } from './helpers/masks.ts';

const server = useAppServer();
const clipDir = mkdtempSync(path.join(tmpdir(), 'dashseg-fake-camera-'));
afterAll(() => rmSync(clipDir, { recursive: true, force: true }));

describe('webcam (fake camera)', () => {
  const browser = useBrowser(() => ({
    fakeCameraFile: makeFakeCameraClip(path.join(PROJECT_ROOT, 'samples', 'data', 'solidWhiteRight.mp4'), path.join(clipDir, 'camera.y4m'), {
      seconds: 4,
      width: 640,
      height: 360,
      fps: 25,
    }),
  }));

  let app: AppPage | null = null;
  afterEach(async () => {
    await app?.close();
    app = null;
  });

  test('?camera=1 segments the fake camera frames', async () => {
    app = await AppPage.open(browser(), server().url, '?camera=1', { name: 'webcam' });
    const s = await app.waitForFrames(10, { timeoutMs: 120_000 });
    expect(s.source?.kind).toBe('webcam');
    expect(s.frames).toBeGreaterThanOrEqual(10);
    expect(s.lastError).toBeNull();
    expect(app.pageErrors).toEqual([]);
    // The camera delivers the clip's real frames (not the green test pattern): the road is there.
    const contract = await fetchContract(server().url);
    const mask = await app.latestMask();
    expect(mask).not.toBeNull();
    if (!mask) return;
    const bottom = classShareInRows(mask, classId(contract, 'Road'), mask.height / 2, mask.height);
    console.log(`[webcam] ${s.frames} frames, ${s.fps.toFixed(1)} fps on ${s.backend}; road in lower half ${(100 * bottom).toFixed(1)} %`);
    expect(bottom).toBeGreaterThan(0.25);
    await app.screenshot(artifactPath('webcam.png'));
  });

  test('camera unplugged mid-stream: a clear message, the recording is kept, the sample can be chosen', async () => {
    // Keep the camera's MediaStream reachable from the test (the app's video element is not in the DOM).
    const keepStreams = (): void => {
      const media = navigator.mediaDevices;
      const original = media.getUserMedia.bind(media);
      const kept: MediaStream[] = [];
      (window as unknown as { __testStreams: MediaStream[] }).__testStreams = kept;
      media.getUserMedia = async (constraints?: MediaStreamConstraints) => {
        const stream = await original(constraints);
        kept.push(stream);
        return stream;
      };
    };
    app = await AppPage.open(browser(), server().url, '?camera=1&record=1', { name: 'webcam-unplugged', initScript: keepStreams });
    const before = await app.waitForFrames(5, { timeoutMs: 120_000 });
    expect(before.source?.kind).toBe('webcam');
    const rowsBefore = await app.logRows();
    expect(rowsBefore.length).toBeGreaterThanOrEqual(3);
    // What the browser does when a camera is unplugged: the track stops and fires "ended".
    const tracks = await app.page.evaluate(() => {
      const streams = (window as unknown as { __testStreams: MediaStream[] }).__testStreams;
      const live = streams.flatMap((s) => s.getVideoTracks()).filter((t) => t.readyState === 'live');
      for (const t of live) {
        t.stop();
        t.dispatchEvent(new Event('ended'));
      }
      return live.length;
    });
    expect(tracks).toBe(1);
    const failed = await app.waitForStats('the camera-disconnected message', (s) => s.lastError?.code === 'camera-disconnected', {
      timeoutMs: 10_000,
      allowErrorCodes: ['camera-disconnected'],
    });
    expect(failed.lastError?.message).toMatch(/unplugged/);
    expect(failed.source).toMatchObject({ kind: 'webcam', ended: true });
    expect(await app.page.locator('#banner').textContent()).toMatch(/unplugged/);
    // Nothing recorded is lost, and the app carries on with another source.
    const rowsAfterError = await app.logRows();
    expect(rowsAfterError.slice(0, rowsBefore.length)).toEqual(rowsBefore);
    await app.page.click('#source-sample');
    const after = await app.waitForStats('frames from the sample after the unplug', (s) => s.source?.kind === 'video-file' && s.frames >= failed.frames + 3, {
      timeoutMs: 60_000,
      allowErrorCodes: ['camera-disconnected'],
    });
    expect(after.recording).toBe(true);
    expect((await app.logRows()).length).toBeGreaterThan(rowsBefore.length);
    expect(app.pageErrors).toEqual([]);
  });
});
