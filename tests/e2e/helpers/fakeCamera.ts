// A clip for Chromium's fake camera (--use-file-for-fake-video-capture): a .y4m made with ffmpeg.

import { statSync } from 'node:fs';
import { requireSourceClip, runFfmpeg } from './videoClips.ts';

export interface FakeCameraClipOptions {
  readonly seconds?: number;
  readonly width?: number;
  readonly height?: number;
  readonly fps?: number;
}

/** Converts `input` (any video ffmpeg reads) to an uncompressed YUV 4:2:0 .y4m at `output`. */
export function makeFakeCameraClip(input: string, output: string, options: FakeCameraClipOptions = {}): string {
  const { seconds = 4, width = 640, height = 360, fps = 25 } = options;
  requireSourceClip(input);
  runFfmpeg(['-i', input, '-t', String(seconds), '-an', '-vf', `scale=${width}:${height},fps=${fps}`, '-pix_fmt', 'yuv420p', output]);
  const size = statSync(output).size;
  const expected = width * height * 1.5 * seconds * fps;
  if (size < expected * 0.9) throw new Error(`${output} is ${size} bytes, expected about ${expected} (${seconds} s of ${width}x${height} at ${fps} fps)`);
  return output;
}
