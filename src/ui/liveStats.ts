// Running figures for the HUD and window.dashseg.stats(): rates, stage timings, latency, accuracy.

import { FpsCounter, RollingWindow, countClasses } from '../processing/stats.ts';
import {
  accumulateConfusion,
  createConfusion,
  iouPerClass,
  meanIoU,
  pixelAccuracy,
  type ConfusionMatrix,
} from '../processing/confusion.ts';

export const STAGES = ['captureMs', 'preprocessMs', 'inferenceMs', 'postprocessMs', 'stabiliseMs', 'upsampleMs', 'uploadMs', 'videoUploadMs', 'renderMs', 'latencyMs'] as const;
export type Stage = (typeof STAGES)[number];

export interface FrameScore {
  readonly miou: number | null;
  readonly pixelAccuracy: number | null;
}

export class LiveStats {
  readonly inferenceFps = new FpsCounter(2000, 512);
  // 3 s, not 1 s: a paced 4K video draws only a few frames a second, and a 1 s window then held
  // fewer than the two draws a rate needs (the HUD read 0 render FPS while the page drew).
  readonly renderFps = new FpsCounter(3000, 512);
  readonly stages: Record<Stage, RollingWindow>;
  frames = 0;
  /** Masks that reached the canvas (a newer mask may replace one before it is drawn). */
  masksDrawn = 0;
  /** Confusion over every scored frame since the source started. */
  confusion: ConfusionMatrix;
  scoredFrames = 0;
  /** Per-pixel class counts of the latest mask (reused buffer). */
  private readonly classCounts: Float64Array;
  private latestMaskPixels = 0;
  /** A copy of the latest mask, and whether classCounts still has to be counted from it. */
  private latestMask = new Uint8Array(0);
  private countsStale = false;
  /** Scratch confusion for one frame's score (reused). */
  private readonly frameConfusion: ConfusionMatrix;

  constructor(readonly classNames: readonly string[], private readonly voidId: number) {
    this.stages = Object.fromEntries(STAGES.map((s) => [s, new RollingWindow(240)])) as Record<Stage, RollingWindow>;
    this.confusion = createConfusion(classNames.length);
    this.frameConfusion = createConfusion(classNames.length);
    this.classCounts = new Float64Array(classNames.length);
  }

  recordStage(stage: Stage, ms: number): void {
    this.stages[stage].push(ms);
  }

  /**
   * Keeps a copy of the latest mask (its buffer goes back to the worker); its classes are counted only
   * when classFractions() is asked for: counting 480x360 pixels per mask cost the page's thread about
   * 1 ms per mask (2-core AMD EPYC VM), for a figure read about once a second.
   */
  recordMask(mask: Uint8Array): void {
    if (this.latestMask.length !== mask.length) this.latestMask = new Uint8Array(mask.length);
    this.latestMask.set(mask);
    this.countsStale = true;
  }

  classFractions(): Record<string, number> {
    if (this.countsStale) {
      countClasses(this.latestMask, this.classNames.length, this.classCounts);
      this.latestMaskPixels = this.latestMask.length;
      this.countsStale = false;
    }
    const out: Record<string, number> = {};
    this.classNames.forEach((name, k) => {
      out[name] = this.latestMaskPixels ? (this.classCounts[k] as number) / this.latestMaskPixels : 0;
    });
    return out;
  }

  /** Adds one frame's prediction vs its label to the running confusion; returns the frame's own score. */
  scoreFrame(prediction: Uint8Array, label: Uint8Array): FrameScore {
    this.frameConfusion.counts.fill(0);
    accumulateConfusion(this.frameConfusion, prediction, label, this.voidId);
    const counts = this.confusion.counts;
    const frame = this.frameConfusion.counts;
    for (let i = 0; i < counts.length; i++) counts[i] = (counts[i] as number) + (frame[i] as number);
    this.scoredFrames++;
    return { miou: meanIoU(this.frameConfusion), pixelAccuracy: pixelAccuracy(this.frameConfusion) };
  }

  miou(): number | null {
    return this.scoredFrames ? meanIoU(this.confusion) : null;
  }

  pixelAccuracy(): number | null {
    return this.scoredFrames ? pixelAccuracy(this.confusion) : null;
  }

  perClassIou(): Record<string, number | null> {
    const ious = iouPerClass(this.confusion);
    const out: Record<string, number | null> = {};
    this.classNames.forEach((name, k) => {
      const v = ious[k];
      out[name] = v === null || v === undefined ? null : v * 100;
    });
    return out;
  }

  resetAccuracy(): void {
    this.confusion = createConfusion(this.classNames.length);
    this.scoredFrames = 0;
  }
}
