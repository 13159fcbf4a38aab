// The app's workers as playwright Worker handles, for injecting faults into them and counting them.

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

/** The app's mask postprocessing worker (stabilisation and guided upsampling of each class map). */
export function postprocessWorker(page: Page): Worker {
  const found = page.workers().filter((w) => w.url().includes('maskPostprocess.worker'));
  if (found.length !== 1) {
    throw new Error(`expected one mask postprocessing worker, found ${found.length} among: ${page.workers().map((w) => w.url()).join(', ') || 'none'}`);
  }
  return found[0] as Worker;
}

/** The app's mask-layer workers (three.js on an OffscreenCanvas): one while masks are drawn in a worker, none inline. */
export function maskLayerWorkers(page: Page): Worker[] {
  return page.workers().filter((w) => w.url().includes('maskLayer.worker'));
}
