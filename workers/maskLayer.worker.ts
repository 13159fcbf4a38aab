// The mask layer's worker: three.js draws each mask on an OffscreenCanvas handed over by the page
// (canvas.transferControlToOffscreen), and the browser composites it over the video. The page's thread
// only posts the mask: without a GPU, reading a changed WebGL canvas back for the compositor costs
// about 7 ms per draw (2-core AMD EPYC VM), and here that happens on this thread instead (see MaskLayerRenderer).

import * as Comlink from 'comlink';
import { MaskLayerRenderer } from '../src/render/maskLayerRenderer.ts';
import type { MaskLayerDraw, MaskLayerWorkerApi } from './maskLayerProtocol.ts';

let renderer: MaskLayerRenderer | null = null;
/** The WebGL context was lost (the GPU process reset, memory pressure): draws fail, and the page restarts the layer. */
let contextLost = false;

function layer(): MaskLayerRenderer {
  if (!renderer) throw new Error('the mask layer worker was not initialised');
  if (contextLost) throw new Error('the mask layer lost its WebGL context');
  return renderer;
}

const api: MaskLayerWorkerApi = {
  init(canvas, palette, opacity) {
    renderer?.dispose();
    canvas.addEventListener('webglcontextlost', () => {
      contextLost = true;
    });
    renderer = new MaskLayerRenderer(canvas, palette, opacity);
    renderer.render();
    return renderer.memoryInfo();
  },
  setPalette(palette) {
    layer().setPalette(palette);
    layer().render();
  },
  setOpacity(opacity) {
    layer().setOpacity(opacity);
    layer().render();
  },
  drawMask(mask, width, height) {
    const t0 = performance.now();
    const r = layer();
    r.setMask(mask, width, height);
    r.render();
    const draw: MaskLayerDraw = { renderMs: performance.now() - t0, memory: r.memoryInfo() };
    return Comlink.transfer({ ...draw, mask }, [mask.buffer as ArrayBuffer]);
  },
  dispose() {
    renderer?.dispose();
    renderer = null;
  },
};

Comlink.expose(api);
