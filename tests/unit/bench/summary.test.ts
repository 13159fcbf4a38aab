import { describe, expect, it } from 'vitest';
import type { FrameLogRow } from '../../../src/processing/logFormat.ts';
import type { MemorySnapshot } from '../../../cli/bench/memoryProbe.ts';
import { compareFigures, MIB, ratio, ratioJson, runJson, summarizeRounds, windowFps, type RoundMeasurement } from '../../../cli/bench/summary.ts';
import { formatBenchTable } from '../../../cli/bench/format.ts';
import { MainThreadSampler } from '../../../cli/bench/mainThread.ts';
import { parseFrameRate } from '../../../cli/bench/clipRate.ts';

function row(frameIndex: number, latencyMs: number, inferenceMs: number): FrameLogRow {
  return {
    time: frameIndex * 100,
    frameIndex,
    captureMs: 1,
    preprocessMs: 10,
    inferenceMs,
    postprocessMs: 0.5,
    uploadMs: 0.25,
    renderMs: 2,
    // The draw that showed the mask took a new video frame every other time (empty otherwise).
    videoUploadMs: frameIndex % 2 === 0 ? 6 + frameIndex : null,
    latencyMs,
    backend: 'wasm',
  };
}

function memory(main: number, worker: number | null, wasm: number | null): MemorySnapshot {
  return { mainHeapBytes: main, workerHeapBytes: worker, wasmBytes: wasm, maskLayerHeapBytes: null, postprocessHeapBytes: null, notes: [] };
}

function measurement(over: Partial<RoundMeasurement> & Pick<RoundMeasurement, 'round' | 'rows'>): RoundMeasurement {
  return {
    model: 0,
    seconds: 10,
    dropped: 0,
    masksDrawn: 600,
    memoryStart: memory(1 * MIB, 2 * MIB, 40 * MIB),
    memoryEnd: memory(1 * MIB, 2 * MIB, 40 * MIB),
    backend: 'wasm',
    threads: 2,
    videoFrames: 240,
    mainThreadMsPerFrame: [2, 3, 4],
    mainThreadWallMsPerFrame: [4, 6, 8],
    modelOnlyFps: null,
    ...over,
  };
}

describe('summarizeRounds', () => {
  it('pools frames and seconds over rounds (not a mean of per-round rates)', () => {
    const a = measurement({ round: 0, seconds: 10, rows: Array.from({ length: 20 }, (_, i) => row(i, 100, 50)) });
    const b = measurement({ round: 1, seconds: 30, rows: Array.from({ length: 20 }, (_, i) => row(i, 100, 50)) });
    const f = summarizeRounds([a, b]);
    expect(f.frames).toBe(40);
    expect(f.seconds).toBe(40);
    expect(f.fps).toBe(1); // 40 / 40, whereas the mean of 2 and 0.667 fps would be 1.333
    expect(f.roundFps).toEqual([2, 20 / 30]);
  });

  it('takes latency percentiles and stage medians over all masks', () => {
    const rows = [100, 200, 300, 400, 1000].map((latency, i) => row(i, latency, 40 + i));
    const f = summarizeRounds([measurement({ round: 0, rows })]);
    expect(f.latencyP50Ms).toBe(300);
    expect(f.latencyP95Ms).toBeCloseTo(880, 9); // rank 3.8: 400 + 0.8 * 600
    // video upload: the median of the draws that took a frame (6, 8, 10), the empty ones left out
    expect(f.stagesP50Ms).toEqual({ capture: 1, preprocess: 10, inference: 42, postprocess: 0.5, stabilise: null, upsample: null, upload: 0.25, render: 2, 'video_upload': 8 });
  });

  it('ignores missing stage values instead of counting them as 0', () => {
    const rows: FrameLogRow[] = [row(0, 100, 50), { ...row(1, 100, 50), uploadMs: null }, { ...row(2, 100, 50), uploadMs: undefined }];
    expect(summarizeRounds([measurement({ round: 0, rows })]).stagesP50Ms.upload).toBe(0.25);
  });

  it('rates presented video frames over all rounds, takes the p50 of the main-thread samples and the mean model-only rate', () => {
    const a = measurement({ round: 0, rows: [row(0, 1, 1)], videoFrames: 250, mainThreadMsPerFrame: [1, 9], mainThreadWallMsPerFrame: [3, 11], modelOnlyFps: null });
    const b = measurement({ round: 1, rows: [row(0, 1, 1)], videoFrames: 230, mainThreadMsPerFrame: [2], mainThreadWallMsPerFrame: [5], modelOnlyFps: 16 });
    const f = summarizeRounds([a, b]);
    expect(f.videoFps).toBe(24); // 480 frames / 20 s
    expect(f.mainThreadMsPerFrameP50).toBe(2);
    expect(f.mainThreadWallMsPerFrameP50).toBe(5);
    expect(f.modelOnlyFps).toBe(16);
    const json = runJson({ model: 'default', label: '', figures: f }, { browser: 'b', hardwareConcurrency: 2, clipFps: 25, machine: { os: 'x', cpu: 'AMD EPYC', cores: 2, memory_gib: 8, load_avg_1m_start: 0, load_avg_1m_end: 0 } });
    expect([json.video_fps, json.clip_fps, json.model_only_fps, json.main_thread_ms_per_frame, json.main_thread_wall_ms_per_frame]).toEqual([24, 25, 16, 2, 5]);
    expect(json.machine.cpu).toBe('AMD EPYC');
    const table = formatBenchTable([{ model: 'default', label: '', figures: f }], null, 25);
    expect(table).toMatch(/video fps shown\s+24\.0/);
    expect(table).toMatch(/clip fps\s+25\.00/);
    expect(table).toMatch(/model-only fps \(same worker, no video\)\s+16\.00/);
    expect(table).toMatch(/main thread ms per frame p50 \(CPU\)\s+2\.00/);
    expect(table).toMatch(/wall-clock task ms p50\s+5\.00/);
  });

  it("pairs each round's fps with the model-only rate measured right after it, and takes the median ratio", () => {
    const rows = (n: number) => Array.from({ length: n }, (_, i) => row(i, 1, 1));
    // 10 s windows: 150, 120 and 160 masks (15, 12, 16 fps) against model-only 20, 10, 16 after each.
    const rounds = [
      measurement({ round: 0, rows: rows(150), modelOnlyFps: 20 }),
      measurement({ round: 1, rows: rows(120), modelOnlyFps: 10 }),
      measurement({ round: 2, rows: rows(160), modelOnlyFps: 16 }),
    ];
    const f = summarizeRounds(rounds);
    expect(f.endToEndOverModelOnlyPaired).toBeCloseTo(1.0, 9); // 0.75, 1.2, 1.0
    expect(f.modelOnlyFps).toBeCloseTo(46 / 3, 9);
    const json = runJson({ model: 'default', label: '', figures: f }, { browser: 'b', hardwareConcurrency: 2, clipFps: 25, machine: { os: 'x', cpu: 'AMD EPYC', cores: 2, memory_gib: 8, load_avg_1m_start: 0, load_avg_1m_end: 0 } });
    expect(json.e2e_over_model_only_paired).toBe(1);
    expect(formatBenchTable([{ model: 'default', label: '', figures: f }], null, 25)).toMatch(/paired by round \(median\)\s+1\.00/);
    // A round without a model-only rate is left out of the pairing.
    expect(summarizeRounds([rounds[0]!, measurement({ round: 1, rows: rows(120), modelOnlyFps: null })]).endToEndOverModelOnlyPaired).toBeCloseTo(0.75, 9);
  });

  it('sums dropped frames, rates animation frames, and reads memory from the first and last round', () => {
    const late = measurement({ round: 1, rows: [row(0, 1, 1)], dropped: 7, masksDrawn: 300, memoryEnd: memory(5 * MIB, 3 * MIB, 48 * MIB) });
    const early = measurement({ round: 0, rows: [row(0, 1, 1)], dropped: 3, masksDrawn: 500, memoryStart: memory(4 * MIB, 1 * MIB, 41 * MIB) });
    const f = summarizeRounds([late, early]); // out of order on purpose
    expect(f.dropped).toBe(10);
    expect(f.renderFps).toBe(40); // 800 masks drawn / 20 s
    expect([f.mainHeapStartBytes, f.mainHeapEndBytes]).toEqual([4 * MIB, 5 * MIB]);
    expect([f.workerHeapStartBytes, f.workerHeapEndBytes]).toEqual([1 * MIB, 3 * MIB]);
    expect([f.wasmStartBytes, f.wasmEndBytes]).toEqual([41 * MIB, 48 * MIB]);
  });

  it('reports every backend seen and no single thread count when they differ', () => {
    const f = summarizeRounds([
      measurement({ round: 0, rows: [row(0, 1, 1)], backend: 'webgpu', threads: 0 }),
      measurement({ round: 1, rows: [row(0, 1, 1)], backend: 'wasm', threads: 2 }),
    ]);
    expect(f.backend).toBe('webgpu, wasm');
    expect(f.threads).toBeNull();
  });

  it('gives null rates for an empty window and refuses no rounds', () => {
    expect(windowFps(5, 0)).toBeNull();
    const f = summarizeRounds([measurement({ round: 0, rows: [], seconds: 0 })]);
    expect(f.fps).toBeNull();
    expect(f.latencyP50Ms).toBeNull();
    expect(() => summarizeRounds([])).toThrow(RangeError);
  });
});

describe('compareFigures', () => {
  const a = summarizeRounds([
    measurement({ round: 0, seconds: 10, rows: Array.from({ length: 20 }, (_, i) => row(i, 100, 50)) }),
    measurement({ round: 1, seconds: 10, rows: Array.from({ length: 10 }, (_, i) => row(i, 100, 50)) }),
  ]);
  const b = summarizeRounds([
    measurement({ round: 0, model: 1, seconds: 10, rows: Array.from({ length: 10 }, (_, i) => row(i, 250, 100)) }),
    measurement({ round: 1, model: 1, seconds: 10, rows: Array.from({ length: 10 }, (_, i) => row(i, 250, 100)) }),
  ]);

  it('divides B by A', () => {
    const r = compareFigures(a, b);
    expect(r.fps).toBeCloseTo(20 / 30, 12); // 1 fps / 1.5 fps
    expect(r.latencyP50Ms).toBe(2.5);
    expect(r.latencyP95Ms).toBe(2.5);
    expect(r.stagesP50Ms.inference).toBe(2);
    expect(r.stagesP50Ms.capture).toBe(1);
  });

  it('pairs rounds for the paired median', () => {
    // Round 0: 1 / 2 = 0.5; round 1: 1 / 1 = 1 → median 0.75.
    expect(compareFigures(a, b).fpsPairedMedian).toBe(0.75);
  });

  it('ratio is null when a side is missing or zero', () => {
    expect(ratio(1, 0)).toBeNull();
    expect(ratio(null, 2)).toBeNull();
    expect(ratio(3, null)).toBeNull();
    expect(ratio(3, 2)).toBe(1.5);
  });
});

describe('JSON and table', () => {
  const figures = summarizeRounds([
    measurement({ round: 0, seconds: 3, rows: [row(0, 123.45678, 50), row(1, 123.45678, 50)], memoryStart: memory(1.5 * MIB, null, 41.75 * MIB) }),
  ]);
  const env = {
    browser: 'Chromium 1 (headless)',
    hardwareConcurrency: 2,
    machine: { os: 'Linux', cpu: 'cpu', cores: 2, memory_gib: 8, load_avg_1m_start: 1, load_avg_1m_end: 2 },
  };

  it('uses the documented field names, MiB and 3 decimals', () => {
    const json = runJson({ model: 'default', label: '', figures }, env);
    expect(json).toMatchObject({
      model: 'default',
      backend: 'wasm',
      threads: 2,
      fps: 0.667,
      latency_p50_ms: 123.457,
      dropped: 0,
      heap_start_mb: 1.5,
      worker_heap_start_mb: null,
      wasm_start_mb: 41.75,
      render_fps: 200,
      hardware_concurrency: 2,
      seconds: 3,
      frames: 2,
    });
    expect(Object.keys(json.stages_p50_ms)).toEqual(['capture', 'preprocess', 'inference', 'postprocess', 'stabilise', 'upsample', 'upload', 'render', 'video_upload']);
    expect(ratioJson(compareFigures(figures, figures))).toMatchObject({ of: 'B/A', fps: 1, latency_p50_ms: 1, fps_paired_median: 1 });
  });

  it('prints a B/A column only when comparing', () => {
    const single = formatBenchTable([{ model: 'default', label: '', figures }], null);
    expect(single).not.toContain('B/A');
    expect(single).toMatch(/inference fps\s+0\.67/);
    expect(single).toContain('1.5 → 1.0'); // main heap start → end, MiB
    const both = formatBenchTable(
      [
        { model: 'default', label: 'A', figures },
        { model: 'default', label: 'B', figures },
      ],
      compareFigures(figures, figures),
    );
    expect(both.split('\n')[0]).toMatch(/A: default\s+B: default\s+B\/A/);
    expect(both).toMatch(/inference fps\s+0\.67\s+0\.67\s+1\.00x/);
  });
});

describe('MainThreadSampler (page-thread ms per mask, per ~1 s interval)', () => {
  it('divides each interval\'s task time by its masks, and skips intervals without a mask', () => {
    const sampler = new MainThreadSampler(10, 100);
    sampler.sample(10.03, 103); // 30 ms over 3 masks
    sampler.sample(10.05, 103); // no mask: no sample
    sampler.sample(10.09, 105); // 40 ms over 2 masks (from the last reading)
    sampler.sample(Number.NaN, 107); // unreadable: no sample, the mask count moves on
    sampler.sample(10.1, 108);
    expect(sampler.perFrameMs().map((v) => Math.round(v * 1000) / 1000)).toEqual([10, 20, 10]);
  });
});

describe('parseFrameRate (ffprobe avg_frame_rate)', () => {
  it('reads num/den and plain numbers; 0/0 and junk are unknown', () => {
    expect(parseFrameRate('25/1')).toBe(25);
    expect(parseFrameRate('30000/1001\n')).toBeCloseTo(29.97, 2);
    expect(parseFrameRate('15')).toBe(15);
    expect(parseFrameRate('0/0')).toBeNull();
    expect(parseFrameRate('N/A')).toBeNull();
  });
});
