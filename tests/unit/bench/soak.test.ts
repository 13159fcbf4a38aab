import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../cli/lib/errors.ts';
import { parseSoakArgs, sampleTimes } from '../../../cli/bench/soakArgs.ts';
import {
  formatSoakTable,
  formatSoakVerdicts,
  percentChange,
  SOAK_METRICS,
  soakJson,
  soakPassed,
  soakVerdict,
  soakVerdicts,
  type SoakMetric,
  type SoakSample,
} from '../../../cli/bench/soakSummary.ts';
import { MIB } from '../../../cli/bench/summary.ts';

function sample(over: Partial<SoakSample> = {}): SoakSample {
  return {
    elapsedS: 0,
    frames: 100,
    fps: 2,
    mainHeapBytes: 20 * MIB,
    workerHeapBytes: 4 * MIB,
    wasmBytes: 64 * MIB,
    maskLayerHeapBytes: 1 * MIB,
    postprocessHeapBytes: 2 * MIB,
    textures: 3,
    geometries: 1,
    programs: 1,
    restarts: 0,
    ...over,
  };
}

const metric = (key: SoakMetric['key']): SoakMetric => {
  const m = SOAK_METRICS.find((x) => x.key === key);
  if (!m) throw new Error(key);
  return m;
};

describe('soak verdicts', () => {
  it('memory: end within +10 % of the first sample passes, beyond fails; the middle samples do not count', () => {
    const heap = metric('mainHeapBytes');
    const start = sample({ mainHeapBytes: 100 });
    expect(soakVerdict(heap, [start, sample({ mainHeapBytes: 500 }), sample({ mainHeapBytes: 109 })]).pass).toBe(true);
    expect(soakVerdict(heap, [start, sample({ mainHeapBytes: 110 })]).pass).toBe(true); // exactly +10 %
    const grown = soakVerdict(heap, [start, sample({ mainHeapBytes: 111 })]);
    expect(grown.pass).toBe(false);
    expect(grown.percent).toBeCloseTo(11, 9);
    expect(grown.start).toBe(100);
    expect(grown.end).toBe(111);
    expect(grown.reason).toBe('limit +10 %');
  });

  it('memory that shrinks passes (no leak), with a negative change', () => {
    const v = soakVerdict(metric('wasmBytes'), [sample({ wasmBytes: 200 }), sample({ wasmBytes: 100 })]);
    expect(v.pass).toBe(true);
    expect(v.percent).toBe(-50);
  });

  it('textures, geometries, programs and restarts must not grow at all', () => {
    for (const key of ['textures', 'geometries', 'programs', 'restarts'] as const) {
      const flat = soakVerdict(metric(key), [sample({ [key]: 5 }), sample({ [key]: 5 })]);
      expect(flat.pass, key).toBe(true);
      expect(flat.reason).toBe('must not grow');
      // One more of 50 is only +2 %, still a failure.
      expect(soakVerdict(metric(key), [sample({ [key]: 50 }), sample({ [key]: 51 })]).pass, key).toBe(false);
      expect(soakVerdict(metric(key), [sample({ [key]: 5 }), sample({ [key]: 4 })]).pass, key).toBe(true);
    }
  });

  it('from zero: staying at zero is 0 % and passes; any growth fails without a percentage', () => {
    expect(percentChange(0, 0)).toBe(0);
    expect(percentChange(0, 3)).toBeNull();
    const v = soakVerdict(metric('restarts'), [sample({ restarts: 0 }), sample({ restarts: 1 })]);
    expect(v.pass).toBe(false);
    expect(v.percent).toBeNull();
  });

  it('a figure missing at either end, or a single sample, fails: flatness is unproven', () => {
    const worker = metric('workerHeapBytes');
    expect(soakVerdict(worker, [sample({ workerHeapBytes: null }), sample()])).toMatchObject({ pass: false, reason: 'not measured after the warm-up' });
    expect(soakVerdict(worker, [sample(), sample({ workerHeapBytes: null })])).toMatchObject({ pass: false, reason: 'not measured at the end' });
    expect(soakVerdict(worker, [sample()])).toMatchObject({ pass: false, reason: 'needs at least two samples' });
    expect(soakVerdict(worker, [])).toMatchObject({ pass: false, start: null });
  });

  it('the run passes only when every metric passes', () => {
    const ok = soakVerdicts([sample(), sample({ elapsedS: 60, frames: 220, mainHeapBytes: 21 * MIB })]);
    expect(ok.map((v) => v.metric.key)).toEqual(SOAK_METRICS.map((m) => m.key));
    expect(soakPassed(ok)).toBe(true);
    const leak = soakVerdicts([sample(), sample({ elapsedS: 60, textures: 4 })]);
    expect(soakPassed(leak)).toBe(false);
    expect(leak.filter((v) => !v.pass).map((v) => v.metric.label)).toEqual(['textures']);
    expect(soakPassed([])).toBe(false);
  });

  it('prints one line per metric with start → end, change and the limit', () => {
    const text = formatSoakVerdicts(soakVerdicts([sample(), sample({ mainHeapBytes: 23 * MIB, textures: 4 })]));
    const lines = text.split('\n');
    expect(lines).toHaveLength(SOAK_METRICS.length);
    expect(lines[0]).toMatch(/^FAIL\s+main JS heap\s+20\.0 → 23\.0 MiB\s+\+15\.0 %\s+\(limit \+10 %\)$/);
    expect(lines[1]).toMatch(/^PASS\s+worker JS heap\s+4\.0 → 4\.0 MiB\s+\+0\.0 %/);
    expect(lines[3]).toMatch(/^PASS\s+mask-layer worker JS heap\s+1\.0 → 1\.0 MiB/);
    expect(lines[4]).toMatch(/^PASS\s+postprocessing worker JS heap\s+2\.0 → 2\.0 MiB/);
    expect(lines[5]).toMatch(/^FAIL\s+textures\s+3 → 4\s+\+33\.3 %\s+\(must not grow\)$/);
  });

  it('the table has a row per sample; missing figures show a dash', () => {
    const table = formatSoakTable([sample(), sample({ elapsedS: 65, frames: 230, fps: null, wasmBytes: null })]);
    const lines = table.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toContain('main heap MiB');
    expect(lines[3]).toMatch(/^\s*1m 05s\s+230\s+—\s+20\.0\s+4\.0\s+—\s+1\.0\s+2\.0\s+3\s+1\s+1\s+0$/);
  });

  it('JSON: MiB for memory, counts as is, the verdict and its limit', () => {
    const samples = [sample(), sample({ elapsedS: 60.1234, wasmBytes: 80 * MIB })];
    const json = soakJson(samples, soakVerdicts(samples), {
      minutes: 1,
      intervalS: 10,
      warmupS: 30,
      video: '/samples/solidWhiteRight.mp4',
      model: 'default',
      backend: 'wasm',
      threads: 2,
      env: { browser: 'Chromium test', hardwareConcurrency: 2, machine: { os: 'x', cpu: 'y', cores: 2, memory_gib: 8, load_avg_1m_start: 1, load_avg_1m_end: 1 } },
      memoryMethod: 'test',
    });
    expect(json.passed).toBe(false);
    expect(json.samples[1]).toMatchObject({ elapsed_s: 60.123, wasm_mb: 80, heap_mb: 20, mask_layer_heap_mb: 1, textures: 3 });
    expect(json.verdicts.find((v) => v.metric === 'WASM memory')).toMatchObject({ unit: 'MiB', start: 64, end: 80, percent: 25, max_growth_percent: 10, pass: false });
    expect(json.verdicts.find((v) => v.metric === 'textures')).toMatchObject({ unit: 'count', start: 3, end: 3, max_growth_percent: 0, pass: true });
  });
});

describe('soak command line', () => {
  it('defaults: 10 minutes after a 60 s warm-up, a sample every 30 s', () => {
    expect(parseSoakArgs([])).toEqual({ minutes: 10, intervalSeconds: 30, warmupSeconds: 60, json: null, verbose: false });
    expect(parseSoakArgs(['--minutes', '1', '--interval=10', '--json', 'out.json'])).toMatchObject({ minutes: 1, intervalSeconds: 10, json: 'out.json' });
    expect(parseSoakArgs(['--help'])).toBeNull();
  });

  it('rejects bad values', () => {
    expect(() => parseSoakArgs(['--minutes', '0'])).toThrow(UsageError);
    expect(() => parseSoakArgs(['--minutes', '1.5'])).toThrow(/integer/);
    expect(() => parseSoakArgs(['--intervall', '5'])).toThrow(/did you mean --interval/);
  });

  it('samples at 0, every interval, and at the end', () => {
    expect(sampleTimes(1, 10)).toEqual([0, 10, 20, 30, 40, 50, 60]);
    expect(sampleTimes(1, 25)).toEqual([0, 25, 50, 60]);
    expect(sampleTimes(1, 120)).toEqual([0, 60]);
  });
});
