// The source controller with fake sources: a new source replaces the playing one only once it
// starts; one that fails to be made or to start is reported and disposed, and the old one plays on.
import { describe, expect, it } from 'vitest';
import { SourceController } from '../../../src/app/sourceController.ts';
import { SourceError, type CapturedFrame, type FrameSource, type FrameSourceHandlers } from '../../../src/capture/frameSource.ts';
import type { AppErrorCode } from '../../../src/app/appMessages.ts';

class FakeSource implements FrameSource {
  readonly kind = 'video-file' as const;
  handlers: FrameSourceHandlers | null = null;
  disposed = false;

  constructor(readonly label: string, private readonly startError: Error | null = null) {}

  display(): null {
    return null;
  }

  async start(handlers: FrameSourceHandlers): Promise<void> {
    if (this.startError) throw this.startError;
    this.handlers = handlers;
  }

  setPaused(): void {}

  dispose(): void {
    this.disposed = true;
  }
}

function controller() {
  const said: [string, AppErrorCode, string][] = [];
  const started: string[] = [];
  const frames: number[] = [];
  const sources = new SourceController({
    onFrame: (frame) => frames.push(frame.frameIndex),
    onStarted: (source) => started.push(source.label),
    contract: () => null,
    sequence: { pace: 'realtime', limit: null },
    messages: { fail: (code, message) => said.push(['error', code, message]), notice: (code, message) => said.push(['notice', code, message]) },
  });
  return { sources, said, started, frames };
}

describe('SourceController', () => {
  it('replaces the playing source once the new one starts, and passes its frames on', async () => {
    const { sources, started, frames } = controller();
    const a = new FakeSource('a.mp4');
    const b = new FakeSource('b.mp4');
    await sources.open(() => a);
    await sources.open(() => b);
    expect([sources.source, a.disposed, b.disposed, started]).toEqual([b, true, false, ['a.mp4', 'b.mp4']]);
    b.handlers?.onFrame({ frameIndex: 7 } as CapturedFrame);
    expect(frames).toEqual([7]);
  });

  it('a source that fails to start is reported and disposed; the playing one plays on', async () => {
    const { sources, said, started } = controller();
    const a = new FakeSource('a.mp4');
    const broken = new FakeSource('b.mp4', new SourceError('video-decode', 'b.mp4: cannot decode'));
    await sources.open(() => a);
    await sources.open(() => broken);
    await sources.open(() => Promise.reject(new Error('no such folder')));
    expect([sources.source, a.disposed, broken.disposed, started]).toEqual([a, false, true, ['a.mp4']]);
    expect(said).toEqual([['error', 'video-decode', 'b.mp4: cannot decode'], ['error', 'source-failed', 'no such folder']]);
  });

  it('knows when the source ended, until another starts; reports its errors after start', async () => {
    const { sources, said } = controller();
    const a = new FakeSource('a.mp4');
    await sources.open(() => a);
    expect(sources.sourceEnded).toBe(false);
    a.handlers?.onError(new SourceError('camera-disconnected', 'camera unplugged'));
    a.handlers?.onEnded?.();
    expect(sources.sourceEnded).toBe(true);
    expect(said).toEqual([['error', 'camera-disconnected', 'camera unplugged']]);
    await sources.open(() => new FakeSource('b.mp4'));
    expect(sources.sourceEnded).toBe(false);
  });
});
