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
});
