// Fault recovery: when the segmentation worker (or the mask postprocessing worker beside it) hangs or
// crashes, the client restarts the two (see src/inference/segmentationClient.ts), segmentation carries
// on, and the log recorded before the fault is kept. The faults are injected into the real worker through playwright's Worker handle.

import { afterEach, describe, expect, test } from 'vitest';
import type { Worker } from 'playwright-core';
import { AppPage, type AppErrorCode, type AppLogRow } from './helpers/appPage.ts';
import { useAppServer, useBrowser } from './helpers/fixtures.ts';
import { postprocessWorker, segmentationWorker } from './helpers/workers.ts';

const server = useAppServer();
const browser = useBrowser(); // --disable-gpu: WASM backend, so the per-frame timeout is 20 s

let app: AppPage | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

/** Model load (ORT wasm compile + session + warm-up) on a busy 2-core machine. */
const LOAD_MS = 70_000;
/** The client's per-frame timeout on WASM (segmentationClient.ts), plus a new worker's boot. */
const RESTART_MS = 20_000 + 50_000;
/** Each test stays under this (the brief: < 150 s per test). */
const TEST_TIMEOUT_MS = 150_000;

const rowKey = (r: AppLogRow): string => `${r.frameIndex}@${r.time}`;

/**
 * Records a few frames, injects `fault` into the segmentation worker (or the one `target` picks), and
 * checks what must hold afterwards: a restart with a notice among `codes`, new frames, and the earlier
 * log rows unchanged.
 */
async function recoversFrom(
  name: string,
  fault: (worker: Worker) => Promise<void>,
  codes: readonly AppErrorCode[],
  target: (page: AppPage['page']) => Worker = segmentationWorker,
): Promise<void> {
  const a = await AppPage.open(browser(), server().url, '?record=1', { name });
  app = a;
  await a.waitForFrames(5, { timeoutMs: LOAD_MS });
  const before = (await a.logRows()).map(rowKey);
  expect(before.length).toBeGreaterThanOrEqual(3);
  const worker = target(a.page);
  const t0 = Date.now();
  await fault(worker);

  // restarts is counted when the restart begins; the notice (lastError) comes once the new worker runs.
  const restarted = await a.waitForStats('the worker to be restarted', (s) => s.restarts >= 1 && s.lastError !== null, {
    timeoutMs: RESTART_MS,
    allowErrorCodes: codes,
  });
  const restartS = (Date.now() - t0) / 1000;
  expect(restarted.restarts).toBe(1);
  expect(codes).toContain(restarted.lastError?.code);
  expect(restarted.ready).toBe(true);

  const after = await a.waitForFrames(restarted.frames + 5, { timeoutMs: 40_000, allowErrorCodes: codes });
  expect(after.restarts, 'one fault, one restart').toBe(1);
  expect(after.recording).toBe(true);
  const rows = (await a.logRows()).map(rowKey);
  expect(rows.slice(0, before.length), 'rows recorded before the fault').toEqual(before);
  expect(rows.length, 'rows recorded after the restart').toBeGreaterThan(before.length);
  expect(a.pageErrors).toEqual([]);
  // The two workers were replaced together: a postprocessing worker other than the faulty one runs.
  // (A terminated worker may still be listed for a while, so this counts the others.)
  const postprocessors = a.page.workers().filter((w) => w.url().includes('maskPostprocess.worker') && w !== worker);
  expect(postprocessors.length, 'a running postprocessing worker').toBeGreaterThanOrEqual(1);
  console.log(
    `[${name}] restarted after ${restartS.toFixed(1)} s (${restarted.lastError?.code}: ${restarted.lastError?.message}); ` +
      `frames ${restarted.frames} → ${after.frames}; log rows ${before.length} → ${rows.length}`,
  );
}

describe('segmentation worker faults (WASM)', () => {
  test(
    'a hung worker is restarted after the per-frame timeout; frames and the recording continue',
    async () => {
      await recoversFrom(
        'fault-hang',
        async (worker) => {
          // Not awaited: it only returns when the worker is terminated (then it rejects).
          worker
            .evaluate(() => {
              const end = Date.now() + 600_000;
              while (Date.now() < end) {
                // busy: the worker answers nothing until it is terminated
              }
            })
            .catch(() => undefined);
        },
        ['worker-timeout', 'worker-restarted'],
      );
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'a crashed worker (uncaught error) is restarted; frames and the recording continue',
    async () => {
      await recoversFrom(
        'fault-crash',
        async (worker) => {
          await worker.evaluate(() => {
            setTimeout(() => {
              throw new Error('injected crash');
            });
          });
        },
        ['worker-crashed', 'worker-restarted'],
      );
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'a crashed mask postprocessing worker: both workers are restarted; frames and the recording continue',
    async () => {
      await recoversFrom(
        'fault-postprocess-crash',
        async (worker) => {
          await worker.evaluate(() => {
            setTimeout(() => {
              throw new Error('injected crash in postprocessing');
            });
          });
        },
        ['worker-crashed', 'worker-restarted'],
        postprocessWorker,
      );
    },
    TEST_TIMEOUT_MS,
  );
});
