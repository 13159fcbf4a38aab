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

  recordMask(mask: Uint8Array): void {
    countClasses(mask, this.classNames.length, this.classCounts);
    this.latestMaskPixels = mask.length;
  }

  classFractions(): Record<string, number> {
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
