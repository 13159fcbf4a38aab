// Bad input gets a clear message naming the problem, and the app keeps running: a missing or
// non-video source, a missing or corrupt model, a model that does not match its contract.

import { readFileSync } from 'node:fs';
import nodePath from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { PROJECT_ROOT } from '../../tools/browser/index.ts';
import { useAppServer, useBrowser } from './helpers/fixtures.ts';
import { waitForStats } from './helpers/pagePolling.ts';

const server = useAppServer();

/** Matches a request by its path only (a glob would also match the page URL's ?model=... query). */
const path = (pathname: string) => (url: URL): boolean => url.pathname === pathname;

async function open(context: BrowserContext, query: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${server().url}/${query}`);
  return page;
}

const modelBytes = (): Buffer => readFileSync(nodePath.join(PROJECT_ROOT, 'models', 'dashseg-mnv2.onnx'));
const contractText = (): string => readFileSync(nodePath.join(PROJECT_ROOT, 'models', 'dashseg-mnv2.json'), 'utf8');

describe('bad input', () => {
  const browser = useBrowser();

  test('a missing video: message names it; choosing the sample afterwards works', async () => {
    const context = await browser().newContext();
    try {
      const page = await open(context, '?src=/samples/does-not-exist.mp4');
      const s = await waitForStats(page, 'an error', (v) => v.lastError !== null);
      expect(s.lastError?.code).toBe('video-unsupported');
      expect(s.lastError?.message).toContain('does-not-exist.mp4');
      expect(await page.locator('#banner').textContent()).toContain('does-not-exist.mp4');
      await page.click('#source-sample');
      const after = await waitForStats(page, 'frames from the sample', (v) => v.frames >= 3);
      expect(after.source?.kind).toBe('video-file');
      // The sample started cleanly: the old error is no longer the current one, and its history keeps it.
      expect(after.lastError).toBeNull();
      expect(await page.locator('#banner').textContent()).not.toContain('does-not-exist.mp4');
      expect(after.messages.map((m) => [m.code, m.severity])).toContainEqual(['video-unsupported', 'error']);
      expect(after.messages.find((m) => m.code === 'video-unsupported')?.message).toContain('does-not-exist.mp4');
    } finally {
      await context.close();
    }
  });

  test('a file that is not a video', async () => {
    const context = await browser().newContext();
    try {
      await context.route(path('/uploads/notes.mp4'), (route) => route.fulfill({ status: 200, contentType: 'text/plain', body: 'this is not a video\n'.repeat(100) }));
      const page = await open(context, '?src=/uploads/notes.mp4');
      const s = await waitForStats(page, 'an error', (v) => v.lastError !== null);
      expect(s.lastError?.code).toMatch(/^video-(unsupported|decode)$/);
      expect(s.lastError?.message).toContain('notes.mp4');
      // The page still answers and the picker still works.
      await page.click('#source-sample');
      await waitForStats(page, 'frames from the sample', (v) => v.frames >= 3);
    } finally {
      await context.close();
    }
  });

  test('a model URL that is not found: message names it, the video still plays', async () => {
    const context = await browser().newContext();
    try {
      const page = await open(context, '?model=/models/nope.onnx');
      const s = await waitForStats(page, 'an error', (v) => v.lastError !== null);
      expect(s.lastError?.code).toBe('model-not-found');
      expect(s.lastError?.message).toContain('/models/nope.onnx');
      expect(s.ready).toBe(false);
      await waitForStats(page, 'the video source', (v) => v.source?.kind === 'video-file');
    } finally {
      await context.close();
    }
  });

  test('a corrupt .onnx without a contract', async () => {
    const context = await browser().newContext();
    try {
      await context.route(path('/broken/model.onnx'), (route) => route.fulfill({ status: 200, contentType: 'application/octet-stream', body: Buffer.from('garbage, not protobuf'.repeat(50)) }));
      await context.route(path('/broken/model.json'), (route) => route.fulfill({ status: 404, body: 'not found' }));
      const page = await open(context, '?model=/broken/model.onnx');
      const s = await waitForStats(page, 'an error', (v) => v.lastError !== null);
      expect(s.lastError?.code).toBe('model-corrupt');
      expect(s.lastError?.message).toContain('/broken/model.onnx');
    } finally {
      await context.close();
    }
  });

  test('a model whose bytes do not match its contract (sha256)', async () => {
    const context = await browser().newContext();
    try {
      const bytes = modelBytes();
      bytes[bytes.length - 100] = (bytes[bytes.length - 100] ?? 0) ^ 0xff;
      await context.route(path('/tampered/dashseg-mnv2.onnx'), (route) => route.fulfill({ status: 200, contentType: 'application/octet-stream', body: bytes }));
      await context.route(path('/tampered/dashseg-mnv2.json'), (route) => route.fulfill({ status: 200, contentType: 'application/json', body: contractText() }));
      const page = await open(context, '?model=/tampered/dashseg-mnv2.onnx');
      const s = await waitForStats(page, 'an error', (v) => v.lastError !== null);
      expect(s.lastError?.code).toBe('model-corrupt');
      expect(s.lastError?.message).toMatch(/sha256/);
    } finally {
      await context.close();
    }
  });

  test('a model whose outputs do not match its contract', async () => {
    const context = await browser().newContext();
    try {
      const contract = JSON.parse(contractText()) as { outputs: { name: string }[] };
      contract.outputs[0]!.name = 'segmentation';
      await context.route(path('/renamed/dashseg-mnv2.onnx'), (route) => route.fulfill({ status: 200, contentType: 'application/octet-stream', body: modelBytes() }));
      await context.route(path('/renamed/dashseg-mnv2.json'), (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(contract) }));
      const page = await open(context, '?model=/renamed/dashseg-mnv2.onnx');
      const s = await waitForStats(page, 'an error', (v) => v.lastError !== null);
      expect(s.lastError?.code).toBe('contract-mismatch');
      expect(s.lastError?.message).toContain('segmentation');
    } finally {
      await context.close();
    }
  });

  test('an unknown URL option is reported, not ignored', async () => {
    const context = await browser().newContext();
    try {
      const page = await open(context, '?bakend=wasm');
      const s = await waitForStats(page, 'an error', (v) => v.lastError !== null);
      expect(s.lastError?.code).toBe('bad-url-option');
      expect(s.lastError?.message).toContain('bakend');
    } finally {
      await context.close();
    }
  });
});
