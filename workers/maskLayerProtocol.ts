// The typed API of workers/maskLayer.worker.ts (the mask layer drawn in a worker on an
// OffscreenCanvas), shared by the worker and its page-side client (src/render/maskLayer.ts).

import type { MaskLayerMemory } from '../src/render/maskLayerRenderer.ts';

/** One mask on the canvas: the draw's CPU time in the worker, and the layer's three.js counters after it. */
export interface MaskLayerDraw {
  /** ms of the texture upload and the draw, in the thread that drew. */
  readonly renderMs: number;
  readonly memory: MaskLayerMemory;
}

export interface MaskLayerWorkerApi {
  /** Takes the canvas (transferred); throws when it gives no WebGL2 context. */
  init(canvas: OffscreenCanvas, palette: Uint8Array, opacity: number): MaskLayerMemory;
  /** New palette (drawn at once); the array is copied. */
  setPalette(palette: Uint8Array): void;
  /** New opacity (drawn at once). */
  setOpacity(opacity: number): void;
  /** Draws a mask (its buffer is transferred in and transferred back with the answer). */
  drawMask(mask: Uint8Array, width: number, height: number): MaskLayerDraw & { readonly mask: Uint8Array };
  dispose(): void;
}
