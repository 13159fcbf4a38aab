// The mask layer as the page sees it: a mask is staged (copied: the caller gives its buffer back to the
// segmentation worker at once), then drawn; the draw resolves once the mask is on the canvas.
// - WorkerMaskLayer: the canvas is handed to workers/maskLayer.worker.ts (transferControlToOffscreen);
//   the page's thread only copies the mask (~0.02 ms for 480x360 on a 2-core AMD EPYC VM) and posts it. The buffers travel to
//   the worker and back (a small pool: no allocation per frame).
// - InlineMaskLayer: the same renderer on the page's thread, where a canvas cannot go to a worker
//   (no OffscreenCanvas, or ?masklayer=inline); it costs the page a WebGL draw and readback per mask.

import * as Comlink from 'comlink';
import { FailureSignal } from '../inference/failureSignal.ts';
import { MaskLayerRenderer, type MaskLayerMemory } from './maskLayerRenderer.ts';
import type { MaskLayerDraw, MaskLayerWorkerApi } from '../../workers/maskLayerProtocol.ts';

export type MaskLayerMode = 'worker' | 'inline';

/** A mask draw takes a few ms; one that takes this long means the worker hangs. */
export const MASK_DRAW_TIMEOUT_MS = 10_000;

/** A mask on the canvas. `mask` is the layer's own copy, valid until the next draw resolves. */
export interface DrawnMask extends MaskLayerDraw {
  readonly mask: Uint8Array;
  readonly width: number;
  readonly height: number;
}

export interface MaskLayer {
  /** Where it draws: 'worker' (OffscreenCanvas) or 'inline' (the page's thread). */
  readonly mode: MaskLayerMode;
  setPalette(palette: Uint8Array): void;
  setOpacity(opacity: number): void;
  /** Copies a mask to draw next; replaces a staged one that was not drawn yet. */
  stageMask(mask: Uint8Array, width: number, height: number): void;
  /** Draws the staged mask; resolves when it is on the canvas. Null when none is staged. */
  drawStaged(): Promise<DrawnMask> | null;
  /** The layer's three.js counters after its last draw. */
  memoryInfo(): MaskLayerMemory;
  dispose(): void;
}

/** Mask buffers by size, reused: what was drawn goes back to the pool once a newer mask is drawn. */
class MaskBuffers {
  private readonly free: Uint8Array[] = [];

  take(length: number): Uint8Array {
    const i = this.free.findIndex((b) => b.length === length);
    return i >= 0 ? (this.free.splice(i, 1)[0] as Uint8Array) : new Uint8Array(length);
  }

  give(buffer: Uint8Array | null): void {
    // A buffer of another size (the mask size changed) is dropped; a few are kept at most.
    if (buffer && buffer.byteLength > 0 && this.free.length < 4) this.free.push(buffer);
  }
}

interface Staged {
  readonly mask: Uint8Array;
  readonly width: number;
  readonly height: number;
}

/** What both layers share: the staged mask, the drawn one, and their buffers. */
abstract class StagingMaskLayer implements MaskLayer {
  abstract readonly mode: MaskLayerMode;
  protected readonly buffers = new MaskBuffers();
  private staged: Staged | null = null;
  private drawn: Uint8Array | null = null;
  protected memory: MaskLayerMemory;

  constructor(memory: MaskLayerMemory) {
    this.memory = memory;
  }

  abstract setPalette(palette: Uint8Array): void;
  abstract setOpacity(opacity: number): void;
  abstract dispose(): void;
  /** Draws `staged` (whose buffer it may keep until it resolves); resolves with the buffer drawn. */
  protected abstract draw(staged: Staged): Promise<MaskLayerDraw & { readonly mask: Uint8Array }>;

  stageMask(mask: Uint8Array, width: number, height: number): void {
    const copy = this.buffers.take(width * height);
    copy.set(mask.subarray(0, width * height));
    if (this.staged) this.buffers.give(this.staged.mask);
    this.staged = { mask: copy, width, height };
  }

  drawStaged(): Promise<DrawnMask> | null {
    const staged = this.staged;
    if (!staged) return null;
    this.staged = null;
    return this.draw(staged).then((done) => {
      this.buffers.give(this.drawn);
      this.drawn = done.mask;
      this.memory = done.memory;
      return { renderMs: done.renderMs, memory: done.memory, mask: done.mask, width: staged.width, height: staged.height };
    });
  }

  memoryInfo(): MaskLayerMemory {
    return this.memory;
  }
}

export class WorkerMaskLayer extends StagingMaskLayer {
  readonly mode = 'worker';

  private constructor(
    private readonly worker: Worker,
    private readonly api: Comlink.Remote<MaskLayerWorkerApi>,
    private readonly crash: FailureSignal,
    memory: MaskLayerMemory,
  ) {
    super(memory);
  }

  /** Hands `canvas` to a new worker; rejects when the worker gets no WebGL2 context or fails to start. */
  static async create(canvas: HTMLCanvasElement, palette: Uint8Array, opacity: number): Promise<WorkerMaskLayer> {
    const offscreen = canvas.transferControlToOffscreen();
    const worker = new Worker(new URL('../../workers/maskLayer.worker.ts', import.meta.url), { type: 'module', name: 'mask-layer' });
    const crash = new FailureSignal();
    worker.addEventListener('error', (e) => {
      e.preventDefault();
      crash.fail(new Error(`the mask layer worker failed: ${e.message || 'unknown error'}`));
    });
    const api = Comlink.wrap<MaskLayerWorkerApi>(worker);
    try {
      const memory = await crash.race(api.init(Comlink.transfer(offscreen, [offscreen]), palette, opacity));
      return new WorkerMaskLayer(worker, api, crash, memory);
    } catch (err) {
      worker.terminate();
      throw err;
    }
  }

  setPalette(palette: Uint8Array): void {
    void this.crash.race(this.api.setPalette(palette)).catch(() => undefined);
  }

  setOpacity(opacity: number): void {
    void this.crash.race(this.api.setOpacity(opacity)).catch(() => undefined);
  }

  protected async draw(staged: Staged): Promise<MaskLayerDraw & { readonly mask: Uint8Array }> {
    const { mask, width, height } = staged;
    // A worker that hangs answers nothing (and one that closes itself raises no error): a draw that
    // takes this long fails, and the layer is restarted.
    const timer = setTimeout(() => this.crash.fail(new Error(`the mask layer worker did not draw within ${MASK_DRAW_TIMEOUT_MS / 1000} s`)), MASK_DRAW_TIMEOUT_MS);
    try {
      return await this.crash.race(this.api.drawMask(Comlink.transfer(mask, [mask.buffer as ArrayBuffer]), width, height));
    } finally {
      clearTimeout(timer);
    }
  }

  dispose(): void {
    this.api[Comlink.releaseProxy]();
    this.worker.terminate();
  }
}

export class InlineMaskLayer extends StagingMaskLayer {
  readonly mode = 'inline';
  private readonly renderer: MaskLayerRenderer;

  /** Throws when the canvas gives no WebGL2 context. */
  constructor(canvas: HTMLCanvasElement, palette: Uint8Array, opacity: number) {
    const renderer = new MaskLayerRenderer(canvas, palette, opacity);
    super(renderer.memoryInfo());
    this.renderer = renderer;
  }

  setPalette(palette: Uint8Array): void {
    this.renderer.setPalette(palette);
    this.renderer.render();
  }

  setOpacity(opacity: number): void {
    this.renderer.setOpacity(opacity);
    this.renderer.render();
  }

  /** Async so that a draw that throws (a lost context) rejects like a failed worker draw. */
  protected async draw(staged: Staged): Promise<MaskLayerDraw & { readonly mask: Uint8Array }> {
    const t0 = performance.now();
    this.renderer.setMask(staged.mask, staged.width, staged.height);
    this.renderer.render();
    return { renderMs: performance.now() - t0, memory: this.renderer.memoryInfo(), mask: staged.mask };
  }

  dispose(): void {
    this.renderer.dispose();
  }
}

/** The mask layer on `canvas`: in a worker unless asked for inline or the browser cannot hand a canvas over. */
export async function createMaskLayer(canvas: HTMLCanvasElement, palette: Uint8Array, opacity: number, mode: MaskLayerMode): Promise<MaskLayer> {
  const canTransfer = typeof canvas.transferControlToOffscreen === 'function' && typeof Worker === 'function';
  if (mode === 'worker' && canTransfer) return WorkerMaskLayer.create(canvas, palette, opacity);
  return new InlineMaskLayer(canvas, palette, opacity);
}
