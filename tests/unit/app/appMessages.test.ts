import { describe, expect, it } from 'vitest';
import { MessageBoard, messageKind } from '../../../src/app/appMessages.ts';

describe('MessageBoard (stats().lastError and stats().messages)', () => {
  it('a source that starts cleanly ends a source error; the history keeps it', () => {
    const board = new MessageBoard();
    board.report('video-not-found', 'clip.mp4: network error');
    expect(board.sourceStarted(false)).toBe(true);
    expect(board.lastError).toBeNull();
    expect(board.messages().map((m) => [m.code, m.severity])).toEqual([['video-not-found', 'error']]);
  });

  it('standing messages (bad URL option, no WebGL, WebGPU given up) and a missing model outlive a new source', () => {
    for (const code of ['bad-url-option', 'webgl-unavailable', 'webgpu-fallback'] as const) {
      const board = new MessageBoard();
      board.report(code, 'm');
      expect(board.sourceStarted(false), code).toBe(false);
      expect(board.lastError?.code).toBe(code);
    }
    const board = new MessageBoard();
    board.report('model-not-found', 'no model');
    expect(board.sourceStarted(true)).toBe(false);
  });

  it('takes each code\'s kind from one table (unknown codes are errors), keeps the last 100', () => {
    expect(messageKind('paused-hidden')).toEqual({ severity: 'notice', standing: false });
    expect(messageKind('webgpu-fallback').standing).toBe(true);
    expect(messageKind('session-failed').severity).toBe('error');
    const board = new MessageBoard();
    for (let i = 0; i < 120; i++) board.report('paused-hidden', `pause ${i}`);
    const all = board.messages();
    expect(all).toHaveLength(100);
    expect(all[0]?.message).toBe('pause 20');
    expect(all[0]?.severity).toBe('notice');
  });
});
