// The picture under the mask: the browser shows a live video itself (its <video> element in the stage,
// composited by the browser: no per-frame copy on the page's thread), and a still (a labelled-sequence
// frame, or the synced-mode snapshot of the exact frame a mask came from) is drawn once into a 2D
// canvas the size of the still. Both fill the letterboxed content rectangle that the mask canvas is
// placed on, so mask and picture line up for any aspect ratio.

import { presentedFrames } from '../capture/frameSource.ts';

export type DisplaySource =
  | { readonly kind: 'video'; readonly element: HTMLVideoElement }
  | { readonly kind: 'image'; readonly image: ImageBitmap };

/** Scale of the video rectangle in the stage (fractions of its width and height) so it fits the canvas with bars (object-fit: contain). */
export function fitScale(videoW: number, videoH: number, canvasW: number, canvasH: number): [number, number] {
  if (videoW <= 0 || videoH <= 0 || canvasW <= 0 || canvasH <= 0) return [1, 1];
  const videoAspect = videoW / videoH;
  const canvasAspect = canvasW / canvasH;
  return videoAspect > canvasAspect ? [1, canvasAspect / videoAspect] : [videoAspect / canvasAspect, 1];
}


export interface ContentRect {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/** Where a srcW x srcH picture is shown inside a stage of stageW x stageH CSS pixels (object-fit: contain). */
export function contentRect(srcW: number, srcH: number, stageW: number, stageH: number): ContentRect {
  const [sx, sy] = fitScale(srcW, srcH, stageW, stageH);
  const width = stageW * sx;
  const height = stageH * sy;
  return { left: (stageW - width) / 2, top: (stageH - height) / 2, width, height };
}

export class StagePicture {
  private readonly still: HTMLCanvasElement;
  private readonly stillContext: CanvasRenderingContext2D;
  private source: DisplaySource | null = null;
  private shownVideo: HTMLVideoElement | null = null;
  /** The still on screen (or about to be), and one that is set but not drawn yet. */
  private stillShown: ImageBitmap | null = null;
  private stillPending: ImageBitmap | null = null;
  private rect: ContentRect = { left: 0, top: 0, width: 0, height: 0 };
  /** (performance.now(), presented-frame count) of the shown video, read when videoFps is asked for; oldest first. */
  private readonly presented: { readonly t: number; readonly count: number }[] = [];

  constructor(private readonly stage: HTMLElement, private overlay: HTMLCanvasElement) {
    this.still = document.createElement('canvas');
    this.still.className = 'stage-still';
    this.still.hidden = true;
    const context = this.still.getContext('2d');
    if (!context) throw new Error('no 2d canvas context for still pictures');
    this.stillContext = context;
    stage.insertBefore(this.still, overlay);
  }

  /**
   * Shows the source's picture: a live video element (in the stage, played by the browser) or a still;
   * `snapshot`, when given, is shown instead of a live video (synced mode: the exact frame of the mask):
   * the still canvas covers the video's content rectangle, and the video stays in the page under it
   * (a media element removed from the page would pause).
   */
  set(source: DisplaySource | null, snapshot: ImageBitmap | null = null): void {
    const video = source?.kind === 'video' ? source.element : null;
    const still = source?.kind === 'image' ? source.image : snapshot;
    this.source = source;
    this.showVideo(video);
    if (still !== this.stillShown) {
      this.stillShown = still;
      this.stillPending = still;
      this.still.hidden = still === null;
    }
  }

  /** A new mask canvas in the old one's place (already in the stage): placed at once. */
  replaceOverlay(overlay: HTMLCanvasElement): void {
    this.overlay = overlay;
    this.rect = { left: 0, top: 0, width: 0, height: 0 };
    this.layout();
  }

  /** The picture's own size (video or still); [0, 0] before there is one. */
  size(): [number, number] {
    const still = this.stillShown;
    if (still && still.width > 0) return [still.width, still.height];
    const s = this.source;
    if (s?.kind === 'video') return [s.element.videoWidth, s.element.videoHeight];
    return [0, 0];
  }

  /**
   * Places the still canvas and the mask canvas on the picture's content rectangle (CSS pixels);
   * returns the rectangle. Style writes happen only when it moved.
   */
  layout(): ContentRect {
    const [w, h] = this.size();
    const next = contentRect(w || 16, h || 9, this.stage.clientWidth, this.stage.clientHeight);
    const r = this.rect;
    if (next.left !== r.left || next.top !== r.top || next.width !== r.width || next.height !== r.height) {
      this.rect = next;
      for (const el of [this.still, this.overlay]) {
        el.style.left = `${next.left}px`;
        el.style.top = `${next.top}px`;
        el.style.width = `${next.width}px`;
        el.style.height = `${next.height}px`;
      }
    }
    return this.rect;
  }

  /** Draws a still that was set since the last call; returns its main-thread ms, null when none was. */
  drawPendingStill(): number | null {
    const image = this.stillPending;
    if (!image) return null;
    this.stillPending = null;
    const t0 = performance.now();
    if (this.still.width !== image.width || this.still.height !== image.height) {
      this.still.width = image.width;
      this.still.height = image.height;
    }
    try {
      this.stillContext.drawImage(image, 0, 0);
    } catch {
      return null; // closed meanwhile (a newer still replaced it): the next one is drawn
    }
    return performance.now() - t0;
  }

  /**
   * Frames per second the shown video presented over about the last `windowMs`, from the element's
   * presented-frame count (no per-frame callback: one would make the page run a frame's lifecycle for
   * every video frame). Read a few times a second (the HUD): each call adds a reading.
   */
  videoFps(now: number, windowMs = 3000): number {
    const video = this.shownVideo;
    if (!video) return 0;
    const readings = this.presented;
    readings.push({ t: now, count: presentedFrames(video) });
    while (readings.length > 2 && (readings[1] as { t: number }).t <= now - windowMs) readings.shift();
    const first = readings[0] as { t: number; count: number };
    const span = now - first.t;
    return span > 0 ? (Math.max(0, readings[readings.length - 1]!.count - first.count) * 1000) / span : 0;
  }

  private showVideo(video: HTMLVideoElement | null): void {
    if (this.shownVideo === video) return;
    this.shownVideo?.remove();
    this.shownVideo = video;
    this.presented.length = 0;
    if (!video) return;
    video.classList.add('stage-video');
    this.stage.insertBefore(video, this.still);
  }

  dispose(): void {
    this.showVideo(null);
    this.still.remove();
  }
}
