import { describe, expect, it } from 'vitest';
import { accumulateConfusion, createConfusion } from '../../../src/processing/confusion.ts';
import {
  FRAME_LOG_COLUMNS,
  formatNumber,
  summarizeLog,
  toCsv,
  type FrameLogRow,
} from '../../../src/processing/logFormat.ts';

describe('toCsv', () => {
  it('writes a header and quotes fields per RFC 4180', () => {
    const rows = [
      { name: 'plain', note: 'a,b', quote: 'say "hi"', multi: 'line1\nline2' },
      { name: 'cr', note: 'x\r', quote: '', multi: ' spaced ' },
    ];
    expect(toCsv(rows, ['name', 'note', 'quote', 'multi'])).toBe(
      'name,note,quote,multi\n' +
      'plain,"a,b","say ""hi""","line1\nline2"\n' +
      'cr,"x\r",, spaced \n',
    );
  });

  it('formats numbers with at most 3 decimals and leaves missing values empty', () => {
    const rows: FrameLogRow[] = [
      { time: 1000.123456, frameIndex: 0, backend: 'wasm', inferenceMs: 12.34567, captureMs: 2, miou: null, latencyMs: Number.NaN },
    ];
    const csv = toCsv(rows, ['time', 'frameIndex', 'inferenceMs', 'captureMs', 'uploadMs', 'miou', 'latencyMs', 'backend'], '\r\n');
    expect(csv).toBe('time,frameIndex,inferenceMs,captureMs,uploadMs,miou,latencyMs,backend\r\n1000.123,0,12.346,2,,,,wasm\r\n');
  });

  it('has the documented default columns', () => {
    expect(FRAME_LOG_COLUMNS[0]).toBe('time');
    expect(FRAME_LOG_COLUMNS).toContain('inferenceMs');
    expect(FRAME_LOG_COLUMNS).toHaveLength(17);
    expect(FRAME_LOG_COLUMNS).toContain('stabiliseMs');
    expect(FRAME_LOG_COLUMNS).toContain('upsampleMs');
    expect(FRAME_LOG_COLUMNS).toContain('videoUploadMs');
    expect(FRAME_LOG_COLUMNS).toContain('event');
  });
});

describe('formatNumber', () => {
  it.each([
    [2, '2'],
    [0.1 + 0.2, '0.3'],
    [1.5, '1.5'],
    [100, '100'],
    [-0.0001, '0'],
    [-2.25, '-2.25'],
    [1_700_000_000_000.5, '1700000000000.5'],
    [Number.POSITIVE_INFINITY, ''],
  ])('%s → %j', (value, text) => {
    expect(formatNumber(value)).toBe(text);
  });
});

describe('summarizeLog', () => {
  // Frames at 0, 100, 200, 400 ms: intervals 100, 100, 200 → instantaneous 10, 10, 5 fps.
  const rows: FrameLogRow[] = [
    { time: '2026-01-01T00:00:00.000Z', frameIndex: 0, backend: 'wasm', inferenceMs: 40, latencyMs: 50, miou: 50 },
    { time: '2026-01-01T00:00:00.100Z', frameIndex: 1, backend: 'wasm', inferenceMs: 42, latencyMs: 60, miou: 70 },
    { time: '2026-01-01T00:00:00.200Z', frameIndex: 2, backend: 'webgpu', inferenceMs: 44, latencyMs: 70 },
    { time: '2026-01-01T00:00:00.400Z', frameIndex: 3, backend: 'wasm', inferenceMs: 46, latencyMs: 80 },
  ];

  it('summarises rates, latency and stages', () => {
    const s = summarizeLog(rows, { browser: 'Chromium 150', hardwareConcurrency: 2, adapter: null, droppedFrames: 5 });
    expect(s.frames).toBe(4);
    expect(s.durationS).toBe(0.4);
    expect(s.backends).toEqual(['wasm', 'webgpu']);
    expect(s.fps).toEqual({ mean: 7.5, p50: 10, p95: 10 }); // 3 intervals / 0.4 s; sorted [5, 10, 10]
    expect(s.frameIntervalMs).toEqual({ mean: 133.333, p50: 100, p95: 190 }); // rank 1.9 of [100, 100, 200]
    expect(s.latencyMs).toEqual({ mean: 65, p50: 65, p95: 78.5 }); // rank 2.85 of [50, 60, 70, 80]
    expect(s.stagesMs.inferenceMs).toEqual({ mean: 43, p50: 43, p95: 45.7 });
    expect(s.stagesMs.uploadMs).toEqual({ mean: null, p50: null, p95: null });
    expect(s.meanFrameMiou).toBe(60);
    expect(s.miou).toBeNull();
    expect(s.perClassIou).toBeNull();
    expect(s).toMatchObject({ browser: 'Chromium 150', hardwareConcurrency: 2, adapter: null, droppedFrames: 5, model: null });
    // JSON-ready: survives a round trip unchanged.
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });

  it('takes mIoU, accuracy and per-class IoU from the confusion matrix', () => {
    const conf = accumulateConfusion(createConfusion(3), [0, 0, 1, 2, 2, 1], new Uint8Array([0, 1, 1, 2, 3, 0]), 3);
    const s = summarizeLog(rows, { confusion: conf, classNames: ['Road', 'Car', 'Sky'], model: 'dashseg-mnv2' });
    expect(s.miou).toBe(55.556);
    expect(s.pixelAccuracy).toBe(60);
    expect(s.perClassIou).toEqual({ Road: 33.333, Car: 33.333, Sky: 100 });
    expect(s.confusion).toEqual({ classNames: ['Road', 'Car', 'Sky'], rows: [[1, 1, 0], [1, 1, 0], [0, 0, 1]] });
    expect(() => summarizeLog(rows, { confusion: conf, classNames: ['Road'] })).toThrow(/1 class names for a 3-class/);
  });

  it('accepts millisecond times and tolerates tiny logs', () => {
    const s = summarizeLog([{ time: 5, frameIndex: 0, backend: 'wasm' }]);
    expect(s.frames).toBe(1);
    expect(s.fps).toEqual({ mean: null, p50: null, p95: null });
    expect(summarizeLog([]).frames).toBe(0);
  });

  it('rejects unreadable times, naming the frame', () => {
    expect(() => summarizeLog([{ time: 'yesterday', frameIndex: 9, backend: 'wasm' }])).toThrow(/frame 9: unreadable time "yesterday"/);
  });
});
