// Video files for the e2e tests, made at test time from the real sample clip with ffmpeg (apt) or by
// damaging a copy of it: never committed. Write them to a temp folder (or tests/artifacts).

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../../tools/browser/index.ts';

/** The highway clip (960x540, 25 fps, H.264 with the moov box first), fetched by `npm run fetch-samples`. */
export const SAMPLE_CLIP = path.join(PROJECT_ROOT, 'samples', 'data', 'solidWhiteRight.mp4');

/** Throws a helpful error when the clip to make a test video from is missing. */
export function requireSourceClip(input: string): void {
  if (!existsSync(input)) throw new Error(`source clip not found: ${input} (run npm run fetch-samples)`);
}

/** Runs a command from ffmpeg's package (ffmpeg, ffprobe) and returns its stdout; throws with its stderr. */
function runTool(tool: 'ffmpeg' | 'ffprobe', args: readonly string[]): string {
  const result = spawnSync(tool, args, { encoding: 'utf8', timeout: 120_000 });
  if (result.error) throw new Error(`could not run ${tool} (${result.error.message}); install it (apt-get install ffmpeg)`);
  if (result.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed (exit ${result.status}):\n${result.stderr}`);
  return result.stdout;
}

/** ffmpeg, quiet, overwriting its output. */
export function runFfmpeg(args: readonly string[]): void {
  runTool('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
}

export interface VideoStreamInfo {
  readonly codec: string;
  readonly width: number;
  readonly height: number;
}

/** Codec and size of the first video stream of `file` (ffprobe). */
export function probeVideo(file: string): VideoStreamInfo {
  const out = runTool('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,width,height', '-of', 'json', file]);
  const stream = (JSON.parse(out) as { streams?: { codec_name: string; width: number; height: number }[] }).streams?.[0];
  if (!stream) throw new Error(`${file} has no video stream`);
  return { codec: stream.codec_name, width: stream.width, height: stream.height };
}

export interface EncodeOptions {
  readonly seconds: number;
  /** ffmpeg -vf filter chain, e.g. 'scale=3840:2160' or 'transpose=1'. */
  readonly filter?: string;
  /** ffmpeg video encoder of the x264/x265 family (they take -preset); default libx264. */
  readonly encoder?: string;
  /** Extra output options (e.g. ['-tag:v', 'hvc1']). */
  readonly extraArgs?: readonly string[];
  /** What the output must be (checked with ffprobe, so a test never runs on the wrong premise). */
  readonly expect: Partial<VideoStreamInfo>;
}

/** Re-encodes the first `seconds` of `input` (video only) to `output`. */
export function encodeClip(input: string, output: string, options: EncodeOptions): string {
  requireSourceClip(input);
  runFfmpeg([
    '-i', input,
    '-t', String(options.seconds),
    '-an',
    ...(options.filter ? ['-vf', options.filter] : []),
    '-c:v', options.encoder ?? 'libx264',
    '-preset', 'ultrafast',
    '-pix_fmt', 'yuv420p',
    ...(options.extraArgs ?? []),
    output,
  ]);
  const info = probeVideo(output);
  for (const [key, want] of Object.entries(options.expect)) {
    if (info[key as keyof VideoStreamInfo] !== want) throw new Error(`${output}: ${key} is ${info[key as keyof VideoStreamInfo]}, expected ${want} (${JSON.stringify(info)})`);
  }
  return output;
}

/** The first `fraction` (0..1) of the bytes of `input`: a download or copy that stopped early. */
export function truncatedCopy(input: string, output: string, fraction: number): string {
  requireSourceClip(input);
  const bytes = readFileSync(input);
  writeFileSync(output, bytes.subarray(0, Math.floor(bytes.length * fraction)));
  return output;
}

/**
 * A copy of `input` whose bytes in [from, to) (fractions of the file) are overwritten with
 * pseudo-random garbage, the same on every run: the header stays valid, the frames there do not.
 */
export function corruptedCopy(input: string, output: string, from: number, to: number): string {
  requireSourceClip(input);
  const bytes = Buffer.from(readFileSync(input));
  let state = 0x2545f491;
  for (let i = Math.floor(bytes.length * from); i < Math.floor(bytes.length * to); i++) {
    // xorshift32
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[i] = state & 0xff;
  }
  writeFileSync(output, bytes);
  return output;
}
