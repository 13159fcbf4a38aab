// The clip's own frame rate, for the bench's video_fps target (video_fps >= 0.95 x clip_fps).

import { spawnSync } from 'node:child_process';

/** "num/den" or a plain number → frames per second; null for "0/0" and anything unreadable. */
export function parseFrameRate(text: string): number | null {
  const t = text.trim();
  const m = /^(\d+(?:\.\d+)?)(?:\/(\d+(?:\.\d+)?))?$/.exec(t);
  if (!m) return null;
  const num = Number(m[1]);
  const den = m[2] === undefined ? 1 : Number(m[2]);
  return den > 0 && num > 0 ? num / den : null;
}

/** The first video stream's average frame rate (ffprobe); null without ffprobe or a readable rate. */
export function clipFrameRate(file: string): number | null {
  const probe = spawnSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=avg_frame_rate', '-of', 'csv=p=0', file], {
    encoding: 'utf8',
    timeout: 15_000,
  });
  if (probe.error || probe.status !== 0) return null;
  return parseFrameRate(probe.stdout.split('\n')[0] ?? '');
}
