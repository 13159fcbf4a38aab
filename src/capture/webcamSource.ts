// The webcam through @mediapipe/camera_utils: it opens the camera and calls onFrame once per
// animation frame while the video advances.
//
// Stopping camera_utils' frame loop. Its Camera (camera_utils.js 0.3.x, closure-compiled) runs,
// from the video's loadedmetadata on:
//   loop = () => requestAnimationFrame(tick)
//   tick = () => { let p = null;
//                  if (!video.paused && video.currentTime !== last) { last = video.currentTime; p = onFrame(); }
//                  p ? p.then(loop) : loop(); }
// where `video` is read from the Camera each tick. Camera.stop() only stops the stream's tracks:
// the loop keeps requesting a frame forever (one rAF callback per frame, per camera ever started).
// The only way out of that loop is an onFrame() promise that never settles. So the Camera is given
// a view of our video element (a Proxy, `LoopStopper.video`) that, once stopped, reports a playing
// video with a new time (paused false, currentTime NaN, which equals nothing): the next tick calls
// onFrame, which after dispose returns a promise that never settles, and the loop ends there (the
// pending promise and the Camera are then unreachable and collected). Until stopped the view
// forwards everything to the element.

import { Camera } from '@mediapipe/camera_utils';
import { SourceError, videoElementFrame, type FrameSource, type FrameSourceHandlers, type PresentedFrame } from './frameSource.ts';
import type { DisplaySource } from '../render/overlayRenderer.ts';

export function describeCameraError(err: unknown): SourceError {
  const name = (err as { name?: string } | null)?.name ?? '';
  const message = (err as { message?: string } | null)?.message ?? String(err);
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return new SourceError('camera-denied', 'camera permission was denied: allow the camera for this page, or open a video file instead');
    case 'NotFoundError':
    case 'OverconstrainedError':
      return new SourceError('camera-missing', 'no camera was found on this device');
    case 'NotReadableError':
    case 'AbortError':
      return new SourceError('camera-busy', `the camera could not be started (in use by another application?): ${message}`);
    default:
      return new SourceError('camera-failed', `the camera could not be started: ${message}`);
  }
}

/** The video element as camera_utils' Camera sees it, with a switch that ends the Camera's loop. */
class LoopStopper {
  readonly video: HTMLVideoElement;
  private stopped = false;

  constructor(element: HTMLVideoElement) {
    this.video = new Proxy(element, {
      get: (target, prop) => {
        if (this.stopped && prop === 'paused') return false;
        if (this.stopped && prop === 'currentTime') return Number.NaN;
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
      set: (target, prop, value) => Reflect.set(target, prop, value, target),
    });
  }

  /** The Camera's next tick calls onFrame once more (which must then return neverSettles()). */
  stop(): void {
    this.stopped = true;
  }
}

/** What onFrame returns after dispose: camera_utils waits for it before requesting the next frame. */
function neverSettles(): Promise<void> {
  return new Promise<void>(() => undefined);
}

export class WebcamSource implements FrameSource {
  readonly kind = 'webcam' as const;
  readonly label = 'webcam';
  readonly video: HTMLVideoElement;
  private camera: Camera | null = null;
  private loop: LoopStopper | null = null;
  private paused = false;
  private frameIndex = 0;
  /** The newest frame offered (what a copy made now shows, or a newer one the loop has not seen yet). */
  private presented: PresentedFrame = { frameIndex: -1, mediaTime: 0 };
  private disposed = false;

  constructor() {
    this.video = document.createElement('video');
    this.video.muted = true;
    this.video.playsInline = true;
  }

  display(): DisplaySource {
    return { kind: 'video', element: this.video };
  }

  async start(handlers: FrameSourceHandlers): Promise<void> {
    if (!navigator.mediaDevices?.getUserMedia) {
      throw new SourceError('camera-missing', 'this browser gives no camera access (navigator.mediaDevices is missing; the page must be served over https or localhost)');
    }
    const video = this.video;
    const deliver = async (): Promise<void> => {
      if (this.paused) return;
      this.presented = { frameIndex: this.frameIndex++, mediaTime: video.currentTime };
      handlers.onFrame(videoElementFrame(video, this.presented, () => this.presented, false));
    };
    this.loop = new LoopStopper(video);
    if (this.disposed) this.loop.stop();
    this.camera = new Camera(this.loop.video, {
      // After dispose: a promise that never settles ends camera_utils' loop (see the top of this file).
      onFrame: () => (this.disposed ? neverSettles() : deliver()),
      width: 1280,
      height: 720,
      facingMode: 'environment',
    });
    // camera_utils reports failures with window.alert() and then rethrows; the app shows its own
    // message instead, so alert is silenced for the duration of start().
    const alertBefore = window.alert;
    window.alert = () => undefined;
    try {
      await this.camera.start();
    } catch (err) {
      throw describeCameraError(err);
    } finally {
      window.alert = alertBefore;
    }
    if (this.disposed) {
      // Disposed while the camera was opening: camera_utils has just attached the new stream.
      void this.camera.stop();
      video.srcObject = null;
      return;
    }
    const stream = video.srcObject as MediaStream | null;
    for (const track of stream?.getVideoTracks() ?? []) {
      track.addEventListener('ended', () => {
        if (this.disposed) return;
        handlers.onError(new SourceError('camera-disconnected', 'the camera stopped delivering video (unplugged or taken by another application)'));
        handlers.onEnded?.(); // an ended track never delivers again
      });
    }
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
  }

  dispose(): void {
    this.disposed = true;
    this.loop?.stop();
    void this.camera?.stop();
    this.video.srcObject = null;
  }
}
