import { describe, expect, it } from 'vitest';
import { MessageReporter } from '../../../src/app/messageReporter.ts';

describe('MessageReporter', () => {
  it('records, shows and notes each message; a clean source start clears only what does not stand', () => {
    const banner: string[] = [];
    const notes: string[] = [];
    const reporter = new MessageReporter({ showMessage: (kind, text) => banner.push(`${kind}: ${text}`), clearMessage: () => banner.push('cleared') }, (e) => notes.push(e));
    const warn = console.warn;
    console.warn = () => undefined;
    try {
      reporter.fail('video-not-found', 'clip.mp4: 404');
    } finally {
      console.warn = warn;
    }
    reporter.sourceStarted(false);
    reporter.notice('webgpu-fallback', 'fell back to WASM');
    reporter.sourceStarted(false);
    expect(banner).toEqual(['error: clip.mp4: 404', 'cleared', 'notice: fell back to WASM']);
    expect(notes).toEqual(['video-not-found: clip.mp4: 404', 'webgpu-fallback: fell back to WASM']);
    expect(reporter.board.lastError?.code).toBe('webgpu-fallback');
    expect(reporter.board.messages().map((m) => m.severity)).toEqual(['error', 'notice']);
  });
});
