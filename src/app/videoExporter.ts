// Export of the segmented video, encoded in the browser (nothing leaves the device): each frame the
// video presents is drawn into a canvas with the mask on screen over it, coloured as the user sees it
// (the palette carries the group toggles and "dim other classes"; the opacity slider's value), then
// encoded with WebCodecs (VP8) and muxed into WebM (webm-muxer) with the frame's own media time, so
// every frame drawn is in the file. The mask is painted in 2D from the class ids (the WebGL mask
// canvas is not read back). Costs a full-size 2D draw and an encode per video frame while it runs.

import { ArrayBufferTarget, Muxer } from 'webm-muxer';

/** The encoder: VP8 in WebM (software-encodable in every Chromium; VP9 is about twice as slow without a GPU). */
export const EXPORT_CODEC = { webCodecs: 'vp8', webm: 'V_VP8', mimeType: 'video/webm;codecs=vp8' } as const;

export interface ExportRequest {
  /** Seconds of the video to record (media time). */
  readonly seconds: number;
}

export interface ExportedVideo {
  readonly mimeType: string;
  readonly bytes: Uint8Array;
  /** Video frames drawn into the file. */
  readonly frames: number;
  readonly width: number;
  readonly height: number;
  /** Set when the recording stopped early (the source ended or was replaced): the frames it has. */
  readonly stoppedEarly: string | null;
}

export class ExportError extends Error {
  constructor(readonly code: 'export-no-video' | 'export-unsupported' | 'export-failed', message: string) {
    super(message);
    this.name = 'ExportError';
  }
}

/** What the exporter reads at each video frame. */
export interface ExportInputs {
  /** The mask on screen (class ids, row-major), or null before the first. */
  currentMask(): { data: Uint8Array; width: number; height: number } | null;
  /** RGBA per class id (alpha = visibility), as the display uses it. */
  palette(): Uint8Array;
  /** The opacity slider's value (0..1). */
  opacity(): number;
  /** Why the recording must stop now (the source ended or changed), or null to go on. */
  stopReason(): string | null;
}

/** Paints `mask` in `palette` colours with `opacity` into RGBA (premultiplied by nothing: plain alpha). */
export function paintMask(mask: Uint8Array, palette: Uint8Array, opacity: number, out: Uint8ClampedArray): Uint8ClampedArray {
  for (let p = 0, o = 0; p < mask.length; p++, o += 4) {
    const c = (mask[p] as number) * 4;
    out[o] = palette[c] as number;
    out[o + 1] = palette[c + 1] as number;
    out[o + 2] = palette[c + 2] as number;
    out[o + 3] = Math.round((palette[c + 3] as number) * opacity);
  }
  return out;
}

/** The largest recording width: a 4K video is recorded at 1280 px wide (the mask is coarser still). */
const MAX_WIDTH = 1280;

export async function exportSegmentedVideo(video: HTMLVideoElement, inputs: ExportInputs, request: ExportRequest): Promise<ExportedVideo> {
  if (!(request.seconds > 0 && request.seconds <= 600)) throw new RangeError(`seconds must be in (0, 600], got ${request.seconds}`);
  if (!video.videoWidth || video.paused || video.ended) {
    throw new ExportError('export-no-video', 'export needs a playing video: open a video file or the sample clip (a webcam or a labelled sequence is not exported)');
  }
  const scale = Math.min(1, MAX_WIDTH / video.videoWidth);
  const width = Math.round((video.videoWidth * scale) / 2) * 2;
  const height = Math.round((video.videoHeight * scale) / 2) * 2;
  const config: VideoEncoderConfig = { codec: EXPORT_CODEC.webCodecs, width, height, bitrate: 4_000_000, latencyMode: 'realtime' };
  const support = typeof VideoEncoder === 'undefined' ? null : await VideoEncoder.isConfigSupported(config).catch(() => null);
  if (!support?.supported) {
    throw new ExportError('export-unsupported', `this browser cannot encode ${EXPORT_CODEC.webCodecs.toUpperCase()} video at ${width}x${height} (WebCodecs VideoEncoder ${typeof VideoEncoder === 'undefined' ? 'is missing' : 'refused the configuration'})`);
  }
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d');
  const maskCanvas = new OffscreenCanvas(1, 1);
  const maskContext = maskCanvas.getContext('2d');
  if (!context || !maskContext) throw new ExportError('export-failed', 'no 2d canvas to compose the export');
  let maskPixels: ImageData | null = null;

  const muxer = new Muxer({ target: new ArrayBufferTarget(), video: { codec: EXPORT_CODEC.webm, width, height } });
  let encodeError: Error | null = null;
  const encoder = new VideoEncoder({
    output: (chunk, meta) => muxer.addVideoChunk(chunk, meta),
    error: (e) => {
      encodeError = e;
    },
  });
  encoder.configure(config);

  let frames = 0;
  let stoppedEarly: string | null = null;
  const drawFrame = (timestampUs: number): void => {
    context.drawImage(video, 0, 0, width, height);
    const mask = inputs.currentMask();
    if (mask) {
      if (!maskPixels || maskPixels.width !== mask.width || maskPixels.height !== mask.height) {
        maskCanvas.width = mask.width;
        maskCanvas.height = mask.height;
        maskPixels = maskContext.createImageData(mask.width, mask.height);
      }
      paintMask(mask.data, inputs.palette(), inputs.opacity(), maskPixels.data);
      maskContext.putImageData(maskPixels, 0, 0);
      context.imageSmoothingEnabled = false; // class cells stay sharp, as on screen (NEAREST)
      context.drawImage(maskCanvas, 0, 0, width, height);
      context.imageSmoothingEnabled = true;
    }
    const frame = new VideoFrame(canvas, { timestamp: timestampUs });
    try {
      encoder.encode(frame, { keyFrame: frames % KEYFRAME_INTERVAL === 0 });
    } finally {
      frame.close();
    }
    frames++;
  };

  await new Promise<void>((done) => {
    let finished = false;
    const resolve = (): void => {
      finished = true;
      done();
    };
    // Media time recorded so far: the sum of the presented frames' steps (the sample clip loops, so
    // media time restarts at 0; a step back counts as one average frame). It is each frame's timestamp.
    let lastMedia: number | null = null;
    let elapsed = 0;
    const onFrame = (_now: number, meta: VideoFrameCallbackMetadata): void => {
      if (finished) return;
      const reason = inputs.stopReason() ?? (encodeError ? `encoding failed: ${(encodeError as Error).message}` : null);
      if (reason) {
        stoppedEarly = reason;
        resolve();
        return;
      }
      if (lastMedia !== null) {
        const step = meta.mediaTime - lastMedia;
        elapsed += step > 0 && step < 1 ? step : frames > 1 ? elapsed / (frames - 1) : 1 / 25;
      }
      lastMedia = meta.mediaTime;
      drawFrame(Math.round(elapsed * 1e6));
      // `frames` frames cover `elapsed` + one frame's duration of media time.
      if (frames > 1 && elapsed + elapsed / (frames - 1) >= request.seconds) {
        resolve();
        return;
      }
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
    // A video that stops presenting frames (paused, ended, replaced) ends the export with what it has.
    let lastFrames = -1;
    let still = 0;
    const watchdog = setInterval(() => {
      const reason = inputs.stopReason();
      still = frames === lastFrames ? still + 1 : 0;
      lastFrames = frames;
      if (finished) clearInterval(watchdog);
      else if (reason || still >= 8) {
        stoppedEarly = reason ?? 'the video stopped presenting frames for 2 s';
        clearInterval(watchdog);
        resolve();
      }
    }, 250);
  });
  try {
    await encoder.flush();
  } catch (err) {
    throw new ExportError('export-failed', `encoding failed: ${(err as Error).message}`);
  } finally {
    if (encoder.state !== 'closed') encoder.close();
  }
  if (encodeError) throw new ExportError('export-failed', `encoding failed: ${(encodeError as Error).message}`);
  if (frames === 0) throw new ExportError('export-no-video', `export stopped before any frame: ${stoppedEarly ?? 'the video did not play'}`);
  muxer.finalize();
  return { mimeType: EXPORT_CODEC.mimeType, bytes: new Uint8Array(muxer.target.buffer), frames, width, height, stoppedEarly };
}

/** A key frame every 2 s at 25 fps. */
const KEYFRAME_INTERVAL = 50;
