import { describe, expect, it } from 'vitest';
import { describeMediaError } from '../../../src/capture/videoFileSource.ts';

/** What Chromium's HTMLMediaElement.error holds (MediaError is a DOM class: not constructible in Node). */
const mediaError = (code: number, message: string): MediaError => ({ code, message }) as MediaError;

describe('describeMediaError (a video that cannot be played: code and message for the user)', () => {
  it('names the codec problem when the file opens but no stream can be decoded (HEVC in Chromium)', () => {
    const err = describeMediaError(mediaError(4, 'PipelineStatus::DEMUXER_ERROR_NO_SUPPORTED_STREAMS: FFmpegDemuxer: no supported streams'), 'phone.mp4');
    expect(err.code).toBe('video-unsupported');
    expect(err.message).toMatch(/^phone\.mp4: its video codec is not one this browser can decode/);
    expect(err.message).not.toMatch(/not found/);
  });

  it('keeps the general message for other unsupported sources (missing file, not a video)', () => {
    const err = describeMediaError(mediaError(4, 'MEDIA_ELEMENT_ERROR: Format error'), 'missing.mp4');
    expect(err.code).toBe('video-unsupported');
    expect(err.message).toMatch(/^missing\.mp4: not found, not a video, or a format\/codec/);
  });

  it('reports a decode error mid-stream as a corrupt or truncated file', () => {
    const err = describeMediaError(mediaError(3, 'PipelineStatus::PIPELINE_ERROR_DECODE: video decode error!'), 'cut.mp4');
    expect(err.code).toBe('video-decode');
    expect(err.message).toContain('cut.mp4: the video is corrupt or truncated');
  });
});
