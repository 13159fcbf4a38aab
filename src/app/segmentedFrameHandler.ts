// What happens to each segmented frame (the pipeline's handlers): its mask is scored against the
// frame's ground truth when it has one, handed to the presenter, counted in the live stats, and its
// buffer recycled to the worker; a segmentation error is a notice when the client recovered, else an
// error. No DOM: the stats, presenter and pipeline are read through the parts (fakes in the unit tests).

import { SourceError, type CapturedFrame, type GroundTruth } from '../capture/frameSource.ts';
import { errorCode } from '../inference/segmentationClient.ts';
import { resizeNearestU8 } from '../processing/preprocess.ts';
import type { LiveStats } from '../ui/liveStats.ts';
import type { SegmentationResult } from '../../workers/segmentationProtocol.ts';
import type { PipelineHandlers, SegmentedFrame } from './segmentationPipeline.ts';
import type { ShownExtra } from './frameLog.ts';
import type { MessageSink } from './messageReporter.ts';

export interface SegmentedFrameParts {
  /** The loaded model's live stats (null while none is loaded). */
  stats(): LiveStats | null;
  /** Takes the mask to the screen; returns the upload's ms (null without WebGL). */
  presenter(): { present(work: SegmentedFrame, extra: ShownExtra): number } | null;
  /** Gives the mask buffer back to the pipeline (the next result is written into it). */
  recycle(mask: Uint8Array): void;
  /** The source playing now: a frame-format fallback is noted once per source. */
  source(): { readonly label: string } | null;
  readonly messages: MessageSink;
  readonly now?: () => number;
}

export class SegmentedFrameHandler implements PipelineHandlers {
  private labelScratch = new Uint8Array(0);
  /** The source whose frame-format fallback was already noted (see noteInputPath). */
  private inputPathNoticed: object | null = null;
  private readonly now: () => number;

  constructor(private readonly parts: SegmentedFrameParts) {
    this.now = parts.now ?? (() => performance.now());
  }

  onResult(frame: CapturedFrame, work: SegmentedFrame): void {
    const stats = this.parts.stats();
    // What is shown, scored and logged is the worker's postprocessed mask (stabilised, upsampled).
    const { result } = work;
    this.noteInputPath(result.inputPath);
    let score: ShownExtra['score'] = null;
    if (stats) {
      if (work.groundTruthError) {
        const err = work.groundTruthError as Error;
        this.parts.messages.fail(err instanceof SourceError ? err.code : 'label-invalid', err.message);
      } else if (work.groundTruth) {
        score = stats.scoreFrame(this.maskAtLabelSize(result, work.groundTruth), work.groundTruth.ids);
      }
    }
    const uploadMs = this.parts.presenter()?.present(work, { score }) ?? 0;
    if (stats) {
      stats.inferenceFps.tick(this.now());
      stats.frames++;
      stats.recordMask(result.mask);
      stats.recordStage('captureMs', work.captureMs);
      stats.recordStage('preprocessMs', result.timings.preprocessMs);
      stats.recordStage('inferenceMs', result.timings.inferenceMs);
      stats.recordStage('postprocessMs', result.timings.postprocessMs);
      stats.recordStage('stabiliseMs', result.timings.stabiliseMs);
      stats.recordStage('upsampleMs', result.timings.upsampleMs);
      stats.recordStage('uploadMs', uploadMs);
    }
    // The mask buffer goes back to the worker with the next frame (no per-frame allocation).
    this.parts.recycle(result.mask);
    frame.done?.();
  }

  onError(err: unknown, frame: CapturedFrame): void {
    frame.done?.();
    const code = errorCode(err) ?? 'inference-failed';
    if (code === 'busy') return;
    const message = `frame ${frame.frameIndex}: ${(err as Error).message}`;
    // The client has already replaced the worker for these: the app carries on, so it is a notice.
    if (code === 'worker-timeout' || code === 'worker-crashed' || code === 'webgpu-failed') {
      this.parts.messages.notice(code, `${message}; the worker was restarted and segmentation continues`); // also the log row's event
    } else {
      this.parts.messages.fail(code, message);
    }
  }

  /**
   * A VideoFrame in a pixel format the worker's fused path does not handle was segmented through the
   * general (canvas) path: said once per source, so it is never a silent slowdown.
   */
  private noteInputPath(path: string): void {
    const source = this.parts.source();
    if (!path.startsWith('canvas (VideoFrame') || this.inputPathNoticed === source) return;
    this.inputPathNoticed = source;
    this.parts.messages.notice('frame-format-fallback', `${source?.label ?? 'the source'}: its frames come as ${path.slice('canvas ('.length, -1)}, which the fast frame path does not read; they are segmented through the general (slower) path`);
  }

  /** The mask at the label's size (nearest), for scoring. */
  private maskAtLabelSize(result: SegmentationResult, gt: GroundTruth): Uint8Array {
    if (result.width === gt.width && result.height === gt.height) return result.mask;
    if (this.labelScratch.length !== gt.width * gt.height) this.labelScratch = new Uint8Array(gt.width * gt.height);
    return resizeNearestU8(result.mask, result.width, result.height, this.labelScratch, gt.width, gt.height);
  }
}
