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

/** What the app sends to the worker, and in synced mode shows with the mask: one copy of one frame. */
export interface FrameCopy {
  /** Resized to the requested size when one was given; transferable. */
  readonly image: ImageBitmap | VideoFrame;
  /** The same frame at full size, when asked for (synced mode); the caller closes it. */
  readonly snapshot: ImageBitmap | null;
  /** Media time (s) of the copied frame, which may be newer than the offered one (see `live`). */
  readonly mediaTime: number | null;
  /**
   * Index of the frame whose pixels were copied: for a live element, the newest frame it had presented
   * when the copy was made (may be newer than the offered one); for a still, the offered frame's.
   */
  readonly frameIndex: number;
}

export interface CapturedFrame extends FrameMeta {
  /**
   * Makes the transferable copy the worker receives; called only for frames the scheduler sends.
   * With `size`, the copy is already resized (stretched) to it, so only model-sized pixels cross
   * to the worker and no full-size GPU readback happens there. With `withSnapshot`, a full-size copy
   * of the very same frame comes too (synced mode shows it with its mask).
   */
  readonly copy: (size: FrameSize | undefined, withSnapshot: boolean) => Promise<FrameCopy>;
  /**
   * copy() copies what a live element shows when it is called (a playing video or camera), which may
   * be newer than the frame of capturedAt; latency is then counted from the copy. Stills (labelled
   * sequences) are not live: their pixels are those of capturedAt.
   */
  readonly live?: boolean;
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

/** A copy of `source` stretched to `size` (the model input). */
export const resizedBitmap = (source: ImageBitmapSource, size: FrameSize): Promise<ImageBitmap> =>
  createImageBitmap(source, { resizeWidth: size.width, resizeHeight: size.height, resizeQuality: 'low' });

/**
 * What a video element shows now, for the worker, with a full-size snapshot of the same frame when
 * asked (synced mode). Where the browser has VideoFrame: the frame itself, not resized (`new
 * VideoFrame(video)` takes ~0.1 ms here; the worker reads its planes), and `timestamp` names it
 * (`copyMediaTime`: a file's media time; a camera's VideoFrame timestamps are not media times, so its
 * offered time is kept). Without VideoFrame: one copy resized to `size` on this thread (~25-30 ms for
 * a 1280x720 frame here).
 */
export async function copyVideoFrame(video: HTMLVideoElement, shown: PresentedFrame, size: FrameSize | undefined, withSnapshot: boolean, copyMediaTime: boolean): Promise<FrameCopy> {
  const { frameIndex, mediaTime } = shown;
  if (typeof VideoFrame === 'undefined') {
    // Without VideoFrame: one copy straight from the element, unless a snapshot must match it.
    if (!withSnapshot) return { image: await (size ? resizedBitmap(video, size) : createImageBitmap(video)), snapshot: null, mediaTime, frameIndex };
    const full = await createImageBitmap(video);
    try {
      const image = size ? await resizedBitmap(full, size) : await createImageBitmap(full);
      return { image, snapshot: await createImageBitmap(full), mediaTime, frameIndex };
    } finally {
      full.close();
    }
  }
  // The VideoFrame itself goes to the worker (transferred: no pixel copy on this thread); the worker
  // reads its planes and converts, resizes and normalises them in one pass (framePlanesToTensor.ts).
  const frame = copyMediaTime ? new VideoFrame(video) : new VideoFrame(video, { timestamp: Math.round(mediaTime * 1e6) });
  let snapshot: ImageBitmap | null = null;
  try {
    snapshot = withSnapshot ? await createImageBitmap(frame) : null;
  } catch (err) {
    frame.close();
    throw err;
  }
  void size; // the worker resizes (the model input size is its own)
  return { image: frame, snapshot, mediaTime: copyMediaTime ? frame.timestamp / 1e6 : mediaTime, frameIndex };
}

/**
 * Frames a video element has presented so far (decoded and not dropped: getVideoPlaybackQuality), read
 * without a per-frame callback; it agrees with a requestVideoFrameCallback count (e2e test).
 */
export function presentedFrames(video: HTMLVideoElement): number {
  const q = video.getVideoPlaybackQuality();
  return q.totalVideoFrames - q.droppedVideoFrames;
}

/** The newest frame a live element has presented: its index in the source's count, and its media time. */
export interface PresentedFrame {
  readonly frameIndex: number;
  readonly mediaTime: number;
}

/**
 * A frame a video element (file or camera) presented, copied lazily when the app sends it. The copy
 * takes what the element shows at that moment, so it is named by `presented()` at copy time, not by
 * the offered frame: the log's frame index and media time then name the pixels that were segmented.
 */
export function videoElementFrame(video: HTMLVideoElement, offered: PresentedFrame, presented: () => PresentedFrame, copyMediaTime: boolean): CapturedFrame {
  return {
    capturedAt: performance.now(),
    frameIndex: offered.frameIndex,
    mediaTime: offered.mediaTime,
    live: true,
    copy: (size, withSnapshot) => copyVideoFrame(video, presented(), size, withSnapshot, copyMediaTime),
  };
}
