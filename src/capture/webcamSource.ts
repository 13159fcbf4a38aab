// The webcam through @mediapipe/camera_utils: it opens the camera and calls onFrame once per
// animation frame while the video advances.

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

export class WebcamSource implements FrameSource {
  readonly kind = 'webcam' as const;
  readonly label = 'webcam';
  readonly video: HTMLVideoElement;
  private camera: Camera | null = null;
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
    this.camera = new Camera(video, {
      onFrame: async () => {
        if (this.paused || this.disposed) return;
        this.presented = { frameIndex: this.frameIndex++, mediaTime: video.currentTime };
        handlers.onFrame(videoElementFrame(video, this.presented, () => this.presented, false));
      },
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
    void this.camera?.stop();
    this.video.srcObject = null;
  }
}
