// A video file or URL played in a loop. Frames are offered as the app takes them, not per presented
// frame: once the app copies the offered frame, the next one is offered at once (it waits in the app's
// slot and is copied, from what the element shows then, when the worker has room); only when that copy
// would repeat the frame before it does the source wait for the element's next frame
// (requestVideoFrameCallback). A requestVideoFrameCallback per presented frame made the page run a
// frame's lifecycle 25 times a second whether or not the frame was segmented.

import {
  SourceError,
  presentedFrames,
  videoElementFrame,
  type FrameSource,
  type PresentedFrame,
  type FrameSourceHandlers,
} from './frameSource.ts';
import type { DisplaySource } from '../render/overlayRenderer.ts';

const VIDEO_EXTENSIONS = /\.(mp4|m4v|webm|mov|mkv|ogv|ogg)$/i;

/** Rejects files that are clearly not videos before the browser tries to decode them. */
export function checkVideoFile(file: { name: string; type: string }): void {
  if (file.type && !file.type.startsWith('video/')) {
    throw new SourceError('not-a-video', `${file.name} is not a video (type ${file.type})`);
  }
  if (!file.type && !VIDEO_EXTENSIONS.test(file.name)) {
    throw new SourceError('not-a-video', `${file.name} is not a video file`);
  }
}

/** Chromium's MediaError.message when the container opens but no stream has a decoder here (e.g. HEVC without a hardware decoder). */
const NO_SUPPORTED_STREAMS = /NO_SUPPORTED_STREAMS|no supported streams/i;

export function describeMediaError(error: MediaError | null, label: string): SourceError {
  switch (error?.code) {
    case 4: // MEDIA_ERR_SRC_NOT_SUPPORTED: missing file, wrong type or a codec this browser cannot play
      if (NO_SUPPORTED_STREAMS.test(error.message)) {
        return new SourceError('video-unsupported', `${label}: its video codec is not one this browser can decode (e.g. HEVC/H.265 without a hardware decoder); convert it to H.264, VP9 or AV1 (${error.message})`);
      }
      return new SourceError('video-unsupported', `${label}: not found, not a video, or a format/codec this browser cannot play${error.message ? ` (${error.message})` : ''}`);
    case 3: // MEDIA_ERR_DECODE
      return new SourceError('video-decode', `${label}: the video is corrupt or truncated and could not be decoded${error.message ? ` (${error.message})` : ''}`);
    case 2:
      return new SourceError('video-not-found', `${label}: network error while loading the video`);
    default:
      return new SourceError('video-decode', `${label}: the video could not be played${error?.message ? ` (${error.message})` : ''}`);
  }
}

export class VideoFileSource implements FrameSource {
  readonly kind = 'video-file' as const;
  readonly video: HTMLVideoElement;
  private readonly objectUrl: string | null;
  private callbackId = 0;
  private disposed = false;
  private paused = false;
  private handlers: FrameSourceHandlers | null = null;
  /** The element's presented-frame count when the source started: frame indices count from it. */
  private startCount = 0;
  /** An offered frame that the app has neither copied nor dropped yet. */
  private outstanding = false;
  /** Waiting for the element's next frame (requestVideoFrameCallback) before offering one. */
  private waitingForFrame = false;
  /** Index of the frame the last copy showed. */
  private lastCopiedIndex = -1;

  constructor(input: File | string, readonly label: string = typeof input === 'string' ? input.split('/').pop() ?? input : input.name) {
    if (typeof input !== 'string') checkVideoFile(input);
    this.video = document.createElement('video');
    this.video.muted = true;
    this.video.loop = true;
    this.video.playsInline = true;
    this.video.preload = 'auto';
    this.objectUrl = typeof input === 'string' ? null : URL.createObjectURL(input);
    this.video.src = this.objectUrl ?? (input as string);
  }

  display(): DisplaySource {
    return { kind: 'video', element: this.video };
  }

  async start(handlers: FrameSourceHandlers): Promise<void> {
    const video = this.video;
    await new Promise<void>((resolve, reject) => {
      const cleanup = (): void => {
        video.removeEventListener('loadeddata', onData);
        video.removeEventListener('error', onError);
      };
      const onData = (): void => {
        cleanup();
        resolve();
      };
      const onError = (): void => {
        cleanup();
        reject(describeMediaError(video.error, this.label));
      };
      video.addEventListener('loadeddata', onData);
      video.addEventListener('error', onError);
    });
    if (!video.videoWidth || !video.videoHeight) {
      throw new SourceError('video-unsupported', `${this.label}: has no video track the browser can show`);
    }
    // Errors after the start (a truncated file that fails mid-way) go to onError; the video stops
    // there for good, so the source has ended.
    video.addEventListener('error', () => {
      handlers.onError(describeMediaError(video.error, this.label));
      handlers.onEnded?.();
    });
    this.handlers = handlers;
    this.startCount = presentedFrames(video);
    this.offerOnNextFrame();
    try {
      await video.play();
    } catch (err) {
      throw new SourceError('video-decode', `${this.label}: playback did not start (${(err as Error).message})`);
    }
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
    if (paused) this.video.pause();
    else {
      void this.video.play().catch(() => undefined);
      this.offerNext();
    }
  }

  /** What the element shows now: its presented-frame index (since the start) and media time. */
  private shownNow(): PresentedFrame {
    return { frameIndex: presentedFrames(this.video) - this.startCount, mediaTime: this.video.currentTime };
  }

  /** Offers a live frame, unless one is outstanding (or the source is paused or gone). */
  private offerNext(): void {
    const handlers = this.handlers;
    if (this.disposed || this.paused || this.outstanding || !handlers) return;
    this.outstanding = true;
    let taken = false;
    const frame = videoElementFrame(this.video, this.shownNow(), () => {
      // Taken: the next frame is offered now, or when the element shows one this copy does not.
      taken = true;
      this.outstanding = false;
      const shown = this.shownNow();
      const fresh = shown.frameIndex !== this.lastCopiedIndex;
      this.lastCopiedIndex = shown.frameIndex;
      if (fresh) queueMicrotask(() => this.offerNext());
      else this.offerOnNextFrame();
      return shown;
    }, true);
    handlers.onFrame({
      ...frame,
      done: () => {
        // Dropped before it was copied (hidden tab, a model switch): offered again with the next frame.
        if (taken) return;
        this.outstanding = false;
        this.offerOnNextFrame();
      },
    });
  }

  private offerOnNextFrame(): void {
    if (this.waitingForFrame || this.disposed) return;
    this.waitingForFrame = true;
    this.callbackId = this.video.requestVideoFrameCallback(() => {
      this.waitingForFrame = false;
      this.offerNext();
    });
  }

  dispose(): void {
    this.disposed = true;
    this.handlers = null;
    this.video.cancelVideoFrameCallback(this.callbackId);
    this.video.pause();
    this.video.removeAttribute('src');
    this.video.load();
    if (this.objectUrl) URL.revokeObjectURL(this.objectUrl);
  }
}
