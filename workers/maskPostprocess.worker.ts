// The mask postprocessing worker: stabilises and upsamples each class map the segmentation worker
// hands over (MaskPostprocessor: the history lives here), answers the page with the mask to show,
// and gives the map and the frame's planes back to the segmentation worker to fill again. It runs
// beside the inference of the next frame, on another core (see maskPostprocessProtocol.ts).

import { DEFAULT_MASK_POSTPROCESS, MASK_VARIANT_NAMES, MaskPostprocessor, variantName, type MaskVariantName, type ShownMask } from '../src/processing/maskPostprocess.ts';
import type { PostprocessAnswer, PostprocessedMask, PostprocessRequest, PostprocessReturn } from './maskPostprocessProtocol.ts';

let postprocessor = new MaskPostprocessor(DEFAULT_MASK_POSTPROCESS);
let maskVariants = false;

function postprocess(request: Extract<PostprocessRequest, { type: 'map' }>): { answer: PostprocessAnswer; transfer: ArrayBuffer[] } {
  const t0 = performance.now();
  const { seq, map, mapW, mapH, guide, recycled } = request;
  try {
    // With maskVariants (`npm run eval`) every combination comes along, the shown mask being one of them.
    const v = maskVariants ? postprocessor.variants(map, mapW, mapH, guide) : null;
    const shown = v ? { ...v[variantName(postprocessor.settings)], stabiliseMs: v.stabiliseMs, upsampleMs: v.upsampleMs } : postprocessor.process(map, mapW, mapH, guide, recycled);
    const mask: PostprocessedMask = {
      mask: shown.mask,
      width: shown.width,
      height: shown.height,
      postprocess: postprocessor.settings,
      sceneCuts: postprocessor.sceneCuts,
      floatingDropped: postprocessor.floatingDropped,
      ...(v ? { variants: Object.fromEntries(MASK_VARIANT_NAMES.map((name) => [name, v[name]])) as Record<MaskVariantName, ShownMask> } : {}),
      stabiliseMs: shown.stabiliseMs,
      upsampleMs: shown.upsampleMs,
      postprocessWorkerMs: performance.now() - t0,
    };
    const transfer = v ? MASK_VARIANT_NAMES.map((name) => v[name].mask.buffer as ArrayBuffer) : [shown.mask.buffer as ArrayBuffer];
    return { answer: { seq, mask }, transfer };
  } catch (err) {
    const e = err as Error;
    return { answer: { seq, error: { name: 'inference-failed', message: `postprocessing the class map failed: ${e.message}` } }, transfer: [] };
  }
}

function onRequest(port: MessagePort, request: PostprocessRequest): void {
  switch (request.type) {
    case 'start':
      postprocessor = new MaskPostprocessor(request.settings, undefined, undefined, request.placement);
      maskVariants = request.maskVariants;
      return;
    case 'configure':
      postprocessor.configure(request.settings);
      return;
    case 'reset':
      postprocessor.reset();
      return;
    case 'map': {
      const { answer, transfer } = postprocess(request);
      self.postMessage(answer, { transfer });
      const back: PostprocessReturn = { type: 'buffers', map: request.map, planes: request.guide.planes };
      port.postMessage(back, [request.map.buffer as ArrayBuffer, request.guide.planes.buffer as ArrayBuffer]);
    }
  }
}

// The page sends the port to the segmentation worker's other end once, right after starting this worker.
self.onmessage = (e: MessageEvent<{ readonly port: MessagePort }>) => {
  const { port } = e.data;
  port.onmessage = (m: MessageEvent<PostprocessRequest>) => onRequest(port, m.data);
};
