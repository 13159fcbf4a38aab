// The app's segmentation worker as a playwright Worker handle, for injecting faults into it.

import type { Page, Worker } from 'playwright-core';

/**
 * The app's segmentation worker. ORT's own pthread workers are listed by page.workers() too;
 * they are left alone (evaluating anything in them hangs: they sit in Atomics.wait).
 */
export function segmentationWorker(page: Page): Worker {
  const found = page.workers().filter((w) => w.url().includes('segmentation.worker'));
  if (found.length !== 1) {
    throw new Error(`expected one segmentation worker, found ${found.length} among: ${page.workers().map((w) => w.url()).join(', ') || 'none'}`);
  }
  return found[0] as Worker;
}
