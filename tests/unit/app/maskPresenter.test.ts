// The mask presenter with a fake display and 2x2 masks: what reaches the screen, when a mask counts
// as shown (its latency and log row), and which picture is under it in synced and live mode.
import { describe, expect, it } from 'vitest';
import { MaskPresenter, type MaskDisplay } from '../../../src/app/maskPresenter.ts';
import type { SegmentedFrame } from '../../../src/app/segmentationPipeline.ts';
import type { DisplaySource, RenderTiming } from '../../../src/render/overlayRenderer.ts';

class FakeDisplay implements MaskDisplay {
  masks: number[][] = [];
  pictures: { source: DisplaySource | null; snapshot: ImageBitmap | null }[] = [];
  changed = false;

  updateMask(mask: Uint8Array): number {
    this.masks.push(Array.from(mask));
    this.changed = true;
    return 0.5;
  }

  setDisplaySource(source: DisplaySource | null, snapshot: ImageBitmap | null): void {
    this.pictures.push({ source, snapshot });
  }

  resize(): void {}

  render(): RenderTiming | null {
    if (!this.changed) return null;
    this.changed = false;
    return { renderMs: 0.25, videoUploadMs: null };
  }
}

function segmented(index: number, capturedAt: number, snapshot: ImageBitmap | null = null): SegmentedFrame {
  return {
    capturedAt, mediaTime: index / 25, frameIndex: index, captureMs: 0.1, snapshot, groundTruth: null, groundTruthError: null,
    result: { kind: 'mask', mask: new Uint8Array(4).fill(index), width: 2, height: 2, timestamp: index, inputPath: 'fused I420', modelMapSize: { width: 2, height: 2 }, postprocess: { stabilise: false, upsample: 'nearest' }, sceneCuts: 0, timings: { preprocessMs: 1, inferenceMs: 10, postprocessMs: 0, stabiliseMs: 0, upsampleMs: 0, workerMs: 11 } },
  };
}

const bitmap = (): ImageBitmap & { closed: boolean } => {
  const b = { width: 4, height: 3, closed: false, close() { b.closed = true; } };
  return b as unknown as ImageBitmap & { closed: boolean };
};

describe('MaskPresenter', () => {
  it('uploads each mask at once, and reports it shown (with its latency) at the first drawn display frame', () => {
    const display = new FakeDisplay();
    let clock = 100;
    const presenter = new MaskPresenter<string>(display, () => clock);
    expect(presenter.frame(null)).toEqual({ drawn: null, shown: null });
    expect(presenter.present(segmented(3, 40), 'extra 3')).toBe(0.5);
    expect(display.masks).toEqual([[3, 3, 3, 3]]);
    clock = 130;
    const first = presenter.frame(null);
    expect(first.shown?.work.frameIndex).toBe(3);
    expect(first.shown?.extra).toBe('extra 3');
    expect(first.shown?.latencyMs).toBe(90);
    expect(first.shown?.uploadMs).toBe(0.5);
    expect(presenter.frame(null)).toEqual({ drawn: null, shown: null }); // nothing new: no redraw, no second row
    clock = 150;
    expect(presenter.maskAgeMs()).toBe(110);
  });

  it('a mask replaced before any display frame drew it is never reported as shown', () => {
    const display = new FakeDisplay();
    const presenter = new MaskPresenter<null>(display, () => 0);
    presenter.present(segmented(1, 0), null);
    presenter.present(segmented(2, 0), null);
    expect(presenter.frame(null).shown?.work.frameIndex).toBe(2);
    expect(presenter.frame(null).shown).toBeNull();
  });

  it('synced: the picture under the mask is its own frame; live: the source, and the snapshot is let go', async () => {
    const display = new FakeDisplay();
    const presenter = new MaskPresenter<null>(display, () => 0);
    const video = { kind: 'video', element: {} } as unknown as DisplaySource;
    presenter.setSynced(true);
    const snap = bitmap();
    presenter.present(segmented(1, 0, snap), null);
    presenter.frame(video);
    expect(display.pictures.at(-1)).toEqual({ source: video, snapshot: snap });
    presenter.setSynced(false);
    presenter.frame(video);
    expect(display.pictures.at(-1)).toEqual({ source: video, snapshot: null });
    await new Promise((r) => setTimeout(r, 150));
    expect(snap.closed).toBe(true);
  });

  it('reset (a new model) forgets the mask waiting to be shown', () => {
    const display = new FakeDisplay();
    const presenter = new MaskPresenter<null>(display, () => 0);
    presenter.present(segmented(1, 0), null);
    presenter.reset();
    expect(presenter.frame(null).shown).toBeNull();
    expect(presenter.maskAgeMs()).toBeNull();
  });
});
