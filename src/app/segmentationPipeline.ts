// Frame offered → mask: the app's path from a capture source's frames to the worker's results.
// Latest-frame-wins scheduling (FrameScheduler: one frame running in the worker, one waiting there,
// one waiting here), copies made and sent one at a time in offer order, frames of a replaced source
// never copied, a live copy of a frame already sent dropped, and the mask buffer recycled to the
// worker. No DOM and no worker of its own: the client is injected (unit-tested with a fake one).

import { FrameScheduler } from '../inference/frameScheduler.ts';
import { UploadPacer } from '../render/uploadPacer.ts';
import { APP_RESIZE_MODE } from '../processing/preprocess.ts';
import type { CapturedFrame, FrameCopy, FrameSize, GroundTruth } from '../capture/frameSource.ts';
import type { SegmentationOutcome, SegmentationResult } from '../../workers/segmentationProtocol.ts';

/** The most of the main thread that copying frames for the worker may take (see UploadPacer). */
const CAPTURE_SHARE = 1 / 4;

/** What the pipeline needs of the segmentation client (SegmentationClient, or a fake in tests). */
export interface PipelineClient {
  readonly info: { readonly inputSize: FrameSize };
  segment(frame: ImageBitmap | VideoFrame, timestamp: number, recycled?: Uint8Array): Promise<SegmentationOutcome>;
  clearWaiting(): void;
}

/** A frame segmented: the worker's result with what the page knows of the frame. */
export interface SegmentedFrame {
  /** performance.now() when the pixels the worker got were captured (see CapturedFrame.live). */
  readonly capturedAt: number;
  /** Media time of the pixels segmented (may be newer than the offered frame's: see CapturedFrame.live). */
  readonly mediaTime: number | null;
  /** Index of the frame segmented (the copy's: see FrameCopy.frameIndex); log rows name it. */
  readonly frameIndex: number;
  readonly result: SegmentationResult;
  readonly captureMs: number;
  /** Full-size copy of the same frame (synced mode); the receiver closes it. */
  readonly snapshot: ImageBitmap | null;
  readonly groundTruth: GroundTruth | null;
  readonly groundTruthError: unknown;
}

export interface PipelineHandlers {
  /** A mask for `frame` (call recycle() with its buffer once it is copied). */
  onResult(frame: CapturedFrame, work: SegmentedFrame): void;
  onError(err: unknown, frame: CapturedFrame): void;
}

export interface PipelineOptions {
  /** Whether each copy also takes a full-size snapshot (synced mode), asked at copy time. */
  readonly withSnapshot: () => boolean;
}

/** A frame copied and posted to the worker, its outcome pending. */
interface SentFrame {
  readonly outcome: Promise<SegmentationOutcome>;
  readonly capturedAt: number;
  readonly mediaTime: number | null;
  readonly frameIndex: number;
  readonly captureMs: number;
  readonly snapshot: ImageBitmap | null;
  readonly groundTruth: Promise<{ gt: GroundTruth | null; error: unknown }> | undefined;
}

export class SegmentationPipeline {
  private readonly scheduler: FrameScheduler<SegmentedFrame, CapturedFrame>;
  /**
   * Copying a frame for the worker is main-thread work when the browser has no VideoFrame (a resized
   * copy: ~25-30 ms for 1280x720 here); with a frame always waiting in the worker, copies follow each
   * other as fast as inference runs, so they are paced to a share of the thread (a copy waits; none is skipped).
   */
  private readonly capturePacer = new UploadPacer(CAPTURE_SHARE);
  /** Copies and sends happen one at a time, in offer order (see segment). */
  private sendTurn: Promise<void> = Promise.resolve();
  /** The source whose frames are offered now (any object that names it); frames of another are dropped. */
  private source: object | null = null;
  /** The last frame sent to the worker for the current source: a live copy of the same frame is not sent twice. */
  private lastSentIndex: number | null = null;
  private recycledMask: Uint8Array | undefined;
  private retired = false;

  constructor(
    private readonly client: PipelineClient,
    private readonly handlers: PipelineHandlers,
    private readonly options: PipelineOptions,
  ) {
    this.scheduler = new FrameScheduler<SegmentedFrame, CapturedFrame>({
      run: (frame) => this.segment(frame),
      clearWorkerSlot: () => this.client.clearWaiting(),
      onResult: (r) => (this.retired ? discard(r.meta, r.result) : this.handlers.onResult(r.meta, r.result)),
      onError: (err, frame) => (this.retired ? frame.done?.() : this.handlers.onError(err, frame)),
      onDrop: (frame) => frame.done?.(),
    });
  }

  /** Frames in the worker, or one about to be sent. */
  get busy(): boolean {
    return this.scheduler.busy;
  }

  get dropped(): number {
    return this.scheduler.dropped;
  }

  /** Frames of `source` are offered from now on: waiting frames of the previous one are dropped. */
  setSource(source: object | null): void {
    this.source = source;
    this.lastSentIndex = null;
    this.scheduler.clearWaiting();
    this.scheduler.resetCounters();
    this.capturePacer.reset();
  }

  /** A frame of the current source: sent when the worker has room, else it waits (latest wins). */
  offer(frame: CapturedFrame): void {
    if (this.retired) {
      frame.done?.();
      return;
    }
    this.scheduler.offer(frame);
  }

  /** Drops the frames waiting here and in the worker (hidden tab, source or model switch). */
  clearWaiting(): void {
    this.scheduler.clearWaiting();
  }

  /** Gives a mask buffer back: the next frame's result is written into it (no per-frame allocation). */
  recycle(mask: Uint8Array): void {
    this.recycledMask = mask;
  }

  /** No more results are handed on (a replaced model): late ones are released and dropped. */
  retire(): void {
    this.retired = true;
    this.scheduler.clearWaiting();
  }

  /** Resolves when no frame is in the worker (or after `timeoutMs`). */
  async drain(timeoutMs = 30_000): Promise<void> {
    for (let waited = 0; this.scheduler.busy && waited < timeoutMs; waited += 20) await new Promise((r) => setTimeout(r, 20));
  }

  /**
   * Copies a frame and segments it; null when it waited in the worker and was cleared there, or when
   * its copy showed a frame already sent (a live element that presented nothing new meanwhile).
   * Copies are made and sent one at a time, in the order the frames were offered: two copies in
   * flight at once could resolve out of order, and the worker segments frames in the order they come.
   */
  private async segment(frame: CapturedFrame): Promise<SegmentedFrame | null> {
    // The frame belongs to the source offered now; by its turn another may have replaced it.
    const source = this.source;
    const turn = this.sendTurn.then(() => this.copyAndSend(frame, source));
    this.sendTurn = turn.then(() => undefined, () => undefined);
    const sent = await turn;
    if (!sent) return null;
    const { outcome, snapshot } = sent;
    let result: SegmentationResult;
    try {
      const done = await outcome;
      if (done.kind === 'skipped') {
        snapshot?.close();
        return null;
      }
      result = done;
    } catch (err) {
      snapshot?.close();
      throw err;
    }
    const gt = sent.groundTruth ? await sent.groundTruth : { gt: null, error: null };
    return { capturedAt: sent.capturedAt, mediaTime: sent.mediaTime, frameIndex: sent.frameIndex, result, captureMs: sent.captureMs, snapshot, groundTruth: gt.gt, groundTruthError: gt.error };
  }

  /** One frame's turn: waits for the capture pacer, copies the frame and posts it to the worker. */
  private async copyAndSend(frame: CapturedFrame, source: object | null): Promise<SentFrame | null> {
    const replaced = (): boolean => this.source !== source || this.retired;
    if (replaced()) return null; // its source was replaced (and disposed) before its turn: dropped
    const waitMs = this.capturePacer.waitMs(performance.now());
    if (waitMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, waitMs));
      if (replaced()) return null; // switched while waiting: dropped
    }
    const t0 = performance.now();
    // The model sees the whole frame stretched to its input (APP_RESIZE_MODE).
    const size = APP_RESIZE_MODE === 'stretch' ? this.client.info.inputSize : undefined;
    // A live frame is copied now, from what the video shows now (a frame that waited in the
    // scheduler's slot is copied when it is sent, not when it was offered).
    const capturedAt = frame.live ? t0 : frame.capturedAt;
    let copied: FrameCopy;
    try {
      copied = await frame.copy(size, this.options.withSnapshot());
    } catch (err) {
      if (replaced()) return null; // its element was disposed mid-copy: dropped
      throw err;
    }
    const { image, snapshot, mediaTime, frameIndex } = copied;
    const captureMs = performance.now() - t0;
    this.capturePacer.record(t0, captureMs);
    if (replaced() || (frame.live && this.lastSentIndex !== null && frameIndex <= this.lastSentIndex)) {
      // Switched while copying, or the element presented nothing new since the last copy: sending
      // the same pixels again would log one frame twice.
      image.close();
      snapshot?.close();
      return null;
    }
    this.lastSentIndex = frameIndex;
    const groundTruth = frame.loadGroundTruth?.().then((gt) => ({ gt, error: null as unknown }), (error: unknown) => ({ gt: null, error }));
    const recycled = this.recycledMask;
    this.recycledMask = undefined;
    let outcome: Promise<SegmentationOutcome>;
    try {
      outcome = this.client.segment(image, frameIndex, recycled);
    } catch (err) {
      outcome = Promise.reject(err);
    }
    return { outcome, capturedAt, mediaTime, frameIndex, captureMs, snapshot, groundTruth };
  }
}

/** A late result of a retired pipeline: release the frame, show nothing. */
function discard(frame: CapturedFrame, work: SegmentedFrame): void {
  work.snapshot?.close();
  frame.done?.();
}
