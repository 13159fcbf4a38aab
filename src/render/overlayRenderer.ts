// The overlay on the page: the picture (StagePicture: the browser shows a live video itself, stills go
// into a 2D canvas) and the mask layer over it (MaskLayer: three.js, drawn in a worker on an
// OffscreenCanvas, or inline where that is not possible). Nothing here runs per animation frame: a
// mask is drawn when it arrives, a control redraws the layer, and the layout follows the stage's size.
// It keeps the mask on screen (the layer's copy) for the video export and automation.

import { StagePicture, type DisplaySource } from './stagePicture.ts';
import { clampOpacity, type MaskLayerMemory } from './maskLayerRenderer.ts';
import { createMaskLayer, type DrawnMask, type MaskLayer, type MaskLayerMode } from './maskLayer.ts';

export { fitScale, type DisplaySource } from './stagePicture.ts';

export interface ShownMaskImage {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
}

export class OverlayRenderer {
  private readonly picture: StagePicture;
  private opacityValue: number;
  private shown: ShownMaskImage | null = null;

  private constructor(
    stage: HTMLElement,
    private canvas: HTMLCanvasElement,
    private layer: MaskLayer,
    private palette: Uint8Array,
    opacity: number,
  ) {
    this.picture = new StagePicture(stage, canvas);
    this.opacityValue = opacity;
  }

  /**
   * The overlay on `stage`, its mask layer on `canvas` (in a worker unless `mode` is 'inline' or the
   * browser cannot hand a canvas over); rejects when there is no WebGL2 for it.
   */
  static async create(stage: HTMLElement, canvas: HTMLCanvasElement, palette: Uint8Array, opacity: number, mode: MaskLayerMode): Promise<OverlayRenderer> {
    const clamped = clampOpacity(opacity);
    const layer = await createMaskLayer(canvas, palette, clamped, mode);
    return new OverlayRenderer(stage, canvas, layer, palette, clamped);
  }

  /**
   * A new mask layer on a new canvas in the old one's place (a canvas handed to a worker cannot be taken
   * back), after the old layer failed; the mask on screen is drawn again. Rejects when the new one fails.
   */
  async restartLayer(): Promise<void> {
    const mode = this.layer.mode;
    this.layer.dispose();
    const fresh = document.createElement('canvas');
    fresh.id = this.canvas.id;
    fresh.className = this.canvas.className;
    this.canvas.replaceWith(fresh);
    this.canvas = fresh;
    this.picture.replaceOverlay(fresh);
    this.layer = await createMaskLayer(fresh, this.palette, this.opacityValue, mode);
    const shown = this.shown;
    if (shown) {
      this.layer.stageMask(shown.data, shown.width, shown.height);
      await this.drawStaged();
    }
  }

  /** Where the mask layer draws ('worker' or 'inline'). */
  get layerMode(): MaskLayerMode {
    return this.layer.mode;
  }

  setPalette(palette: Uint8Array): void {
    this.palette = palette;
    this.layer.setPalette(palette);
  }

  /** The mask's opacity (0..1), as the slider set it. */
  opacity(): number {
    return this.opacityValue;
  }

  setOpacity(opacity: number): void {
    this.opacityValue = clampOpacity(opacity);
    this.layer.setOpacity(this.opacityValue);
  }

  /**
   * Shows a live video element (played by the browser) or a still; `snapshot` replaces a live video
   * (synced mode: the exact frame of the mask on screen).
   */
  setDisplaySource(source: DisplaySource | null, snapshot: ImageBitmap | null = null): void {
    this.picture.set(source, snapshot);
  }

  /** Copies a class mask to draw next (see MaskLayer.stageMask); returns this thread's ms. */
  stageMask(mask: Uint8Array, width: number, height: number): number {
    const t0 = performance.now();
    this.layer.stageMask(mask, width, height);
    return performance.now() - t0;
  }

  /** Draws the staged mask; resolves once it is on the canvas. Null when none is staged. */
  drawStaged(): Promise<DrawnMask> | null {
    const drawing = this.layer.drawStaged();
    return drawing?.then((drawn) => {
      this.shown = { data: drawn.mask, width: drawn.width, height: drawn.height };
      return drawn;
    }) ?? null;
  }

  /** The mask on screen (the layer's copy), for the export and automation; null before the first. */
  currentMask(): ShownMaskImage | null {
    return this.shown;
  }

  /** Places the picture and the mask canvas on the stage (CSS only; the drawing buffer is the mask's size). */
  resize(): void {
    this.picture.layout();
  }

  /** Draws a still set since the last call (a sequence frame, a synced snapshot); its ms, null when none. */
  drawPendingStill(): number | null {
    return this.picture.drawPendingStill();
  }

  /** Frames per second the shown video presented (0 for stills): the browser's own display rate. */
  videoFps(now: number): number {
    return this.picture.videoFps(now);
  }

  /** three.js resource counters of the mask layer (after its last draw), for the soak benchmark. */
  memoryInfo(): MaskLayerMemory {
    return this.layer.memoryInfo();
  }

  dispose(): void {
    this.picture.dispose();
    this.layer.dispose();
  }
}
