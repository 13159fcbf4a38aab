// No frame leaves the device: every request the app makes while segmenting a video and the webcam
// goes to its own origin, is a plain GET of an app asset, and carries no body.

import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Request } from 'playwright-core';
import { afterAll, describe, expect, test } from 'vitest';
import { PROJECT_ROOT } from '../../tools/browser/index.ts';
import { useAppServer, useBrowser } from './helpers/fixtures.ts';
import { makeFakeCameraClip } from './helpers/fakeCamera.ts';

const server = useAppServer();
const clipDir = mkdtempSync(path.join(tmpdir(), 'dashseg-privacy-'));
afterAll(() => rmSync(clipDir, { recursive: true, force: true }));

interface SeenRequest {
  readonly url: string;
  readonly method: string;
  readonly bodyBytes: number;
}

function record(list: SeenRequest[]) {
  return (request: Request): void => {
    list.push({ url: request.url(), method: request.method(), bodyBytes: request.postDataBuffer()?.length ?? 0 });
  };
}

function assertLocalOnly(seen: readonly SeenRequest[], origin: string): void {
  const foreign = seen.filter((r) => !r.url.startsWith(`${origin}/`) && !r.url.startsWith('blob:') && !r.url.startsWith('data:'));
  expect(foreign, `requests to other origins: ${JSON.stringify(foreign)}`).toEqual([]);
  const withBody = seen.filter((r) => r.bodyBytes > 0 || !['GET', 'HEAD'].includes(r.method));
  expect(withBody, `requests that send data: ${JSON.stringify(withBody)}`).toEqual([]);
  // The recorder sees the worker's requests too (else this test would prove nothing).
  expect(seen.some((r) => r.url.includes('/models/') && r.url.endsWith('.onnx'))).toBe(true);
  expect(seen.some((r) => r.url.includes('/ort/') && r.url.endsWith('.wasm'))).toBe(true);
}

describe('privacy: frames stay on the device', () => {
  const browser = useBrowser(() => ({
    fakeCameraFile: makeFakeCameraClip(path.join(PROJECT_ROOT, 'samples', 'data', 'solidWhiteRight.mp4'), path.join(clipDir, 'camera.y4m'), {
      seconds: 3, width: 640, height: 360, fps: 25,
    }),
  }));

  for (const [name, query] of [['video', '?src=/samples/solidWhiteRight.mp4'], ['webcam', '?camera=1']] as const) {
    test(`${name}: only same-origin GETs of app assets`, async () => {
      const seen: SeenRequest[] = [];
      const context = await browser().newContext();
      // Listening on the context before navigation sees every request: page, worker and ORT threads.
      context.on('request', record(seen));
      try {
        const page = await context.newPage();
        await page.goto(`${server().url}/${query}`);
        const deadline = Date.now() + 120_000;
        let frames = 0;
        while (frames < 5) {
          if (Date.now() > deadline) throw new Error(`${name}: fewer than 5 frames segmented within 120 s`);
          await page.waitForTimeout(500);
          frames = await page.evaluate(() => (window as unknown as { dashseg: { stats(): { frames: number } } }).dashseg.stats().frames);
        }
        assertLocalOnly(seen, new URL(server().url).origin);
      } finally {
        await context.close();
      }
    });
  }
});
