// The video file source offers frames as the app takes them, with a fake video element: one frame is
// offered at a time; once the app copies it, the next is offered at once, unless the copy showed the
// frame before it again (then the source waits for the element's next frame); a frame dropped before
// its copy is offered again with the next frame; a paused source offers nothing until it resumes.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VideoFileSource } from '../../../src/capture/videoFileSource.ts';
import type { CapturedFrame } from '../../../src/capture/frameSource.ts';

class FakeVideo {
  muted = false;
  loop = false;
  playsInline = false;
  preload = '';
  src = '';
  videoWidth = 960;
  videoHeight = 540;
  currentTime = 0;
  paused = true;
  error = null;
  /** Frames presented so far (getVideoPlaybackQuality). */
  presented = 0;
  private callbacks = new Map<number, () => void>();
  private nextId = 1;
  private listeners = new Map<string, (() => void)[]>();

  addEventListener(type: string, listener: () => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  removeEventListener(type: string, listener: () => void): void {
    this.listeners.set(type, (this.listeners.get(type) ?? []).filter((l) => l !== listener));
  }

  emit(type: string): void {
    for (const l of this.listeners.get(type) ?? []) l();
  }

  getVideoPlaybackQuality(): { totalVideoFrames: number; droppedVideoFrames: number } {
    return { totalVideoFrames: this.presented, droppedVideoFrames: 0 };
  }

  requestVideoFrameCallback(callback: () => void): number {
    const id = this.nextId++;
    this.callbacks.set(id, callback);
    return id;
  }

  cancelVideoFrameCallback(id: number): void {
    this.callbacks.delete(id);
  }

  get waitingCallbacks(): number {
    return this.callbacks.size;
  }

  /** The element presents a new frame: its frame callbacks run. */
  present(): void {
    this.presented++;
    this.currentTime += 0.04;
    const due = [...this.callbacks.values()];
    this.callbacks.clear();
    for (const c of due) c();
  }

  async play(): Promise<void> {
    this.paused = false;
  }

  pause(): void {
    this.paused = true;
  }

  removeAttribute(): void {}
  load(): void {}
}

const flush = () => new Promise<void>((r) => setTimeout(r, 0));
const saved: Record<string, unknown> = {};

beforeEach(() => {
  for (const k of ['document', 'createImageBitmap']) saved[k] = (globalThis as Record<string, unknown>)[k];
  (globalThis as Record<string, unknown>).document = { createElement: () => new FakeVideo() };
  // No VideoFrame in node: the source's copy takes its fallback (an ImageBitmap of the element).
  (globalThis as Record<string, unknown>).createImageBitmap = async () => ({ close() {} });
});

afterEach(() => {
  for (const [k, v] of Object.entries(saved)) (globalThis as Record<string, unknown>)[k] = v;
});

async function started() {
  const source = new VideoFileSource('/clip.mp4');
  const video = source.video as unknown as FakeVideo;
  const offered: CapturedFrame[] = [];
  const starting = source.start({ onFrame: (f) => offered.push(f), onError: () => undefined });
  video.emit('loadeddata');
  await starting;
  return { source, video, offered };
}

describe('VideoFileSource (frames offered as the app takes them)', () => {
  it('offers the first frame once the element presents one, and nothing more until the app copies it', async () => {
    const { video, offered } = await started();
    expect(offered).toHaveLength(0);
    video.present();
    expect(offered).toHaveLength(1);
    video.present();
    video.present();
    expect(offered).toHaveLength(1); // no callback per presented frame while one waits
    expect(video.waitingCallbacks).toBe(0);
  });

  it('a copy of a new frame offers the next at once; a copy of the same frame waits for the next presented one', async () => {
    const { video, offered } = await started();
    video.present();
    const first = await offered[0]!.copy(undefined, false);
    await flush();
    expect(offered).toHaveLength(2); // offered at once, without a frame callback
    expect(video.waitingCallbacks).toBe(0);
    const same = await offered[1]!.copy(undefined, false); // the element shows the same frame
    expect(same.frameIndex).toBe(first.frameIndex);
    await flush();
    expect(offered).toHaveLength(2);
    expect(video.waitingCallbacks).toBe(1); // waits for the next presented frame
    video.present();
    expect(offered).toHaveLength(3);
    const next = await offered[2]!.copy(undefined, false);
    expect(next.frameIndex).toBe(first.frameIndex + 1);
  });

  it('a frame dropped before its copy (a hidden tab, a model switch) is offered again with the next frame', async () => {
    const { video, offered } = await started();
    video.present();
    offered[0]!.done?.();
    expect(offered).toHaveLength(1);
    video.present();
    expect(offered).toHaveLength(2);
    offered[1]!.done?.(); // done after the copy (segmented) changes nothing
    expect(video.waitingCallbacks).toBe(1);
  });

  it('paused: nothing is offered; resumed: a frame is offered at once', async () => {
    const { source, video, offered } = await started();
    video.present();
    await offered[0]!.copy(undefined, false);
    await flush();
    expect(offered).toHaveLength(2);
    source.setPaused(true);
    offered[1]!.done?.(); // the app drops what waits when it pauses
    video.present();
    await flush();
    expect(offered).toHaveLength(2);
    source.setPaused(false);
    expect(offered).toHaveLength(3);
    source.dispose();
    offered[2]!.done?.();
    video.present();
    expect(offered).toHaveLength(3);
  });
});
