// The mask presenter with a fake display and 2x2 masks: what reaches the screen, when a mask counts
// as shown (its latency and log row), one draw in flight at a time (a newer mask replaces a waiting
// one), and which picture is under it in synced and live mode.
import { describe, expect, it } from 'vitest';
import { MaskPresenter, type MaskDisplay, type MaskShown } from '../../../src/app/maskPresenter.ts';
import type { SegmentedFrame } from '../../../src/app/segmentationPipeline.ts';
import type { DisplaySource } from '../../../src/render/overlayRenderer.ts';

/** A display whose draws resolve when the test says so (as the mask-layer worker answers later). */
class FakeDisplay implements MaskDisplay {
  staged: number[] | null = null;
  drawn: number[][] = [];
  pictures: { source: DisplaySource | null; snapshot: ImageBitmap | null }[] = [];
  private inFlight: { mask: number[]; resolve: (v: { renderMs: number }) => void; reject: (e: Error) => void } | null = null;
  stillMs: number | null = null;

  stageMask(mask: Uint8Array): number {
    this.staged = Array.from(mask);
    return 0.5;
  }

  drawStaged(): Promise<{ renderMs: number }> | null {
    const mask = this.staged;
    if (!mask) return null;
    this.staged = null;
    if (this.inFlight) throw new Error('two draws in flight');
    return new Promise((resolve, reject) => {
      this.inFlight = { mask, resolve, reject };
    });
  }

  /** The worker finishes the draw in flight. */
  async finish(renderMs = 0.25): Promise<void> {
    const f = this.inFlight;
    if (!f) throw new Error('nothing in flight');
    this.inFlight = null;
    this.drawn.push(f.mask);
    f.resolve({ renderMs });
    await Promise.resolve();
    await Promise.resolve();
  }

  async fail(message: string): Promise<void> {
    const f = this.inFlight;
    if (!f) throw new Error('nothing in flight');
    this.inFlight = null;
    f.reject(new Error(message));
    await Promise.resolve();
    await Promise.resolve();
  }

  get busy(): boolean {
    return this.inFlight !== null;
  }

  setDisplaySource(source: DisplaySource | null, snapshot: ImageBitmap | null): void {
    this.pictures.push({ source, snapshot });
  }

  resize(): void {}

  drawPendingStill(): number | null {
    const ms = this.stillMs;
    this.stillMs = null;
    return ms;
  }
}

function segmented(index: number, capturedAt: number, snapshot: ImageBitmap | null = null): SegmentedFrame {
  return {
    capturedAt, mediaTime: index / 25, frameIndex: index, captureMs: 0.1, snapshot, groundTruth: null, groundTruthError: null,
    result: { kind: 'mask', mask: new Uint8Array(4).fill(index), width: 2, height: 2, timestamp: index, inputPath: 'fused I420', modelMapSize: { width: 2, height: 2 }, postprocess: { stabilise: false, upsample: 'nearest', dropFloating: false }, sceneCuts: 0, floatingDropped: { maps: 0, regions: 0, pixels: 0 }, timings: { preprocessMs: 1, inferenceMs: 10, postprocessMs: 0, stabiliseMs: 0, upsampleMs: 0, workerMs: 11, postprocessWorkerMs: 0 } },
  };
}

const bitmap = (): ImageBitmap & { closed: boolean } => {
  const b = { width: 4, height: 3, closed: false, close() { b.closed = true; } };
  return b as unknown as ImageBitmap & { closed: boolean };
};

function presenterWith<T>(display: FakeDisplay, clock: () => number = () => 0) {
  const shown: MaskShown<T>[] = [];
  const failures: string[] = [];
  const presenter = new MaskPresenter<T>(display, { onShown: (s) => shown.push(s), onFailed: (e) => failures.push(e.message) }, clock);
  return { presenter, shown, failures };
}

describe('MaskPresenter', () => {
  it('hands each mask to the display at once, and reports it shown (with its latency and draw ms) once drawn', async () => {
    const display = new FakeDisplay();
    let clock = 100;
    const { presenter, shown } = presenterWith<string>(display, () => clock);
    expect(presenter.present(segmented(3, 40), 'extra 3')).toBe(0.5);
    expect(display.busy).toBe(true);
    expect(shown).toEqual([]); // not on the canvas yet
    clock = 130;
    await display.finish(0.75);
    expect(display.drawn).toEqual([[3, 3, 3, 3]]);
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatchObject({ extra: 'extra 3', latencyMs: 90, uploadMs: 0.5, renderMs: 0.75, videoUploadMs: null });
    expect(shown[0]?.work.frameIndex).toBe(3);
    clock = 150;
    expect(presenter.maskAgeMs()).toBe(110);
  });

  it('one draw in flight: a mask that arrives meanwhile waits, and a newer one replaces it (never shown)', async () => {
    const display = new FakeDisplay();
    const { presenter, shown } = presenterWith<null>(display);
    presenter.present(segmented(1, 0), null);
    presenter.present(segmented(2, 0), null); // waits
    presenter.present(segmented(3, 0), null); // replaces 2
    await display.finish();
    expect(shown.map((s) => s.work.frameIndex)).toEqual([1]);
    expect(display.busy).toBe(true); // 3 went out as soon as 1 was drawn
    await display.finish();
    expect(shown.map((s) => s.work.frameIndex)).toEqual([1, 3]);
    expect(display.drawn).toEqual([[1, 1, 1, 1], [3, 3, 3, 3]]);
    expect(display.busy).toBe(false);
  });

  it('a still drawn under the mask (a sequence frame) is attached to the next mask shown', async () => {
    const display = new FakeDisplay();
    const { presenter, shown } = presenterWith<null>(display);
    const still = { kind: 'image', image: bitmap() } as unknown as DisplaySource;
    display.stillMs = 2;
    presenter.showPicture(still);
    presenter.present(segmented(1, 0), null);
    await display.finish();
    presenter.present(segmented(2, 0), null);
    await display.finish();
    expect(shown.map((s) => s.videoUploadMs)).toEqual([2, null]);
  });

  it('synced: its own frame goes under the mask when the mask is drawn; live: the source, and the snapshot is let go', async () => {
    const display = new FakeDisplay();
    const { presenter } = presenterWith<null>(display);
    const video = { kind: 'video', element: {} } as unknown as DisplaySource;
    presenter.setSynced(true);
    presenter.showPicture(video);
    const snap = bitmap();
    presenter.present(segmented(1, 0, snap), null);
    expect(display.pictures.at(-1)).toEqual({ source: video, snapshot: null }); // not drawn yet
    await display.finish();
    expect(display.pictures.at(-1)).toEqual({ source: video, snapshot: snap });
    presenter.setSynced(false);
    expect(display.pictures.at(-1)).toEqual({ source: video, snapshot: null });
    await new Promise((r) => setTimeout(r, 150));
    expect(snap.closed).toBe(true);
  });

  it('a waiting snapshot that a newer mask replaces is closed at once', async () => {
    const display = new FakeDisplay();
    const { presenter } = presenterWith<null>(display);
    presenter.setSynced(true);
    presenter.present(segmented(1, 0, bitmap()), null);
    const replaced = bitmap();
    presenter.present(segmented(2, 0, replaced), null);
    presenter.present(segmented(3, 0, bitmap()), null);
    expect(replaced.closed).toBe(true);
    await display.finish();
    await display.finish();
  });

  it('reset (a new model) forgets the waiting mask and does not report the one in flight', async () => {
    const display = new FakeDisplay();
    const { presenter, shown } = presenterWith<null>(display);
    presenter.present(segmented(1, 0), null);
    presenter.present(segmented(2, 0), null);
    presenter.reset();
    await display.finish();
    expect(shown).toEqual([]);
    expect(display.busy).toBe(false);
    expect(presenter.maskAgeMs()).toBeNull();
  });

  it('a failed draw is reported once and nothing more is drawn', async () => {
    const display = new FakeDisplay();
    const { presenter, shown, failures } = presenterWith<null>(display);
    presenter.present(segmented(1, 0), null);
    await display.fail('worker died');
    expect(presenter.present(segmented(2, 0), null)).toBe(0);
    expect(display.busy).toBe(false);
    expect(failures).toEqual(['worker died']);
    expect(shown).toEqual([]);
  });
});
