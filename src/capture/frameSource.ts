// What every capture source (video file, webcam, labelled sequence) hands to the app.

import type { FrameMeta } from '../inference/frameScheduler.ts';
import type { DisplaySource } from '../render/overlayRenderer.ts';

export interface GroundTruth {
  /** Class id per pixel (void = the contract's voidId), row-major. */
  readonly ids: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly source: string;
}

export interface FrameSize {
  readonly width: number;
  readonly height: number;
}

export interface CapturedFrame extends FrameMeta {
  /**
   * Makes the transferable copy the worker receives; called only for frames the scheduler accepts.
   * With `size`, the copy is already resized (stretched) to it, so only model-sized pixels cross
   * to the worker and no full-size GPU readback happens there.
   */
  readonly take: (size?: FrameSize) => Promise<ImageBitmap | VideoFrame>;
  /**
   * take() copies what a live element shows when it is called (a playing video or camera), which may
   * be newer than the frame of capturedAt; latency is then counted from the copy. Stills (labelled
   * sequences) are not live: their pixels are those of capturedAt.
   */
  readonly live?: boolean;
  /** A copy to display with its mask (synced mode); the caller closes it. */
  readonly snapshot: () => Promise<ImageBitmap>;
  /** Ground-truth label of this frame, when the source has one. */
  readonly loadGroundTruth?: () => Promise<GroundTruth>;
  /** Called by the app when the frame is finished (segmented or dropped): paced sources advance on it. */
  readonly done?: () => void;
  /** Source file name, when there is one (labelled sequences). */
  readonly name?: string;
}

export type SourceErrorCode =
  | 'not-a-video'
  | 'video-decode'
  | 'video-unsupported'
  | 'video-not-found'
  | 'camera-denied'
  | 'camera-missing'
  | 'camera-busy'
  | 'camera-disconnected'
  | 'camera-failed'
  | 'sequence-invalid'
  | 'label-invalid';

export class SourceError extends Error {
  constructor(readonly code: SourceErrorCode, message: string) {
    super(message);
    this.name = 'SourceError';
  }
}

export interface FrameSourceHandlers {
  onFrame(frame: CapturedFrame): void;
  /** A failure after start (camera unplugged, decode error mid-stream). */
  onError(error: SourceError): void;
  /** The source finished: a paced sequence after its last frame, a video that failed mid-stream, a camera unplugged. */
  onEnded?(): void;
}

export interface FrameSource {
  readonly kind: 'video-file' | 'webcam' | 'sequence';
  /** Short description for the HUD, e.g. the file name. */
  readonly label: string;
  /** What the renderer shows live (a video element, or the current still). */
  display(): DisplaySource | null;
  /** Resolves once frames flow; rejects with a SourceError naming the problem. */
  start(handlers: FrameSourceHandlers): Promise<void>;
  /** Pauses/resumes frame delivery (hidden tab). */
  setPaused(paused: boolean): void;
  dispose(): void;
}

/**
 * A transferable copy of what a video element shows now. Resized to `size` when given (measured on
 * this 2-core machine: worker preprocessing 50 ms -> 1.3 ms, capture 5 ms); else a VideoFrame.
 */
export async function grabVideoFrame(video: HTMLVideoElement, mediaTime: number, size?: FrameSize): Promise<ImageBitmap | VideoFrame> {
  if (size) return createImageBitmap(video, { resizeWidth: size.width, resizeHeight: size.height, resizeQuality: 'low' });
  if (typeof VideoFrame !== 'undefined') {
    return new VideoFrame(video, { timestamp: Math.round(mediaTime * 1e6) });
  }
  return createImageBitmap(video);
}

/** The frame a video element (file or camera) shows now, captured lazily when the app takes it. */
export function videoElementFrame(video: HTMLVideoElement, frameIndex: number, mediaTime: number): CapturedFrame {
  return {
    capturedAt: performance.now(),
    frameIndex,
    mediaTime,
    live: true,
    take: (size) => grabVideoFrame(video, mediaTime, size),
    snapshot: () => createImageBitmap(video),
  };
}
