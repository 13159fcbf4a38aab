// A clip for Chromium's fake camera (--use-file-for-fake-video-capture): a .y4m made with ffmpeg.

import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

export interface FakeCameraClipOptions {
  readonly seconds?: number;
  readonly width?: number;
  readonly height?: number;
  readonly fps?: number;
}

/** Converts `input` (any video ffmpeg reads) to an uncompressed YUV 4:2:0 .y4m at `output`. */
export function makeFakeCameraClip(input: string, output: string, options: FakeCameraClipOptions = {}): string {
  const { seconds = 4, width = 640, height = 360, fps = 25 } = options;
  if (!existsSync(input)) throw new Error(`fake camera source clip not found: ${input} (run npm run fetch-samples)`);
  const args = [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-i', input,
    '-t', String(seconds),
    '-an',
    '-vf', `scale=${width}:${height},fps=${fps}`,
    '-pix_fmt', 'yuv420p',
    output,
  ];
  const result = spawnSync('ffmpeg', args, { encoding: 'utf8', timeout: 120_000 });
  if (result.error) {
    throw new Error(`could not run ffmpeg (${result.error.message}); install it (apt-get install ffmpeg)`);
  }
  if (result.status !== 0) throw new Error(`ffmpeg ${args.join(' ')} failed (exit ${result.status}):\n${result.stderr}`);
  const size = statSync(output).size;
  const expected = width * height * 1.5 * seconds * fps;
  if (size < expected * 0.9) throw new Error(`${output} is ${size} bytes, expected about ${expected} (${seconds} s of ${width}x${height} at ${fps} fps)`);
  return output;
}
