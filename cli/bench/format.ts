// The bench's printed table: one row per figure, one column per model (and B/A with --compare).

import { fixedOrDash, formatTable, type Align } from '../lib/table.ts';
import { BENCH_STAGES, MIB, type BenchEnvironment, type FiguresRatio, type NamedFigures } from './summary.ts';

function mibText(bytes: number | null): string {
  return bytes === null ? '—' : (bytes / MIB).toFixed(1);
}

function startEnd(start: number | null, end: number | null): string {
  return `${mibText(start)} → ${mibText(end)}`;
}

function ratioText(r: number | null): string {
  return r === null ? '—' : `${r.toFixed(2)}x`;
}

export function backendText(backend: string, threads: number | null): string {
  return backend === 'wasm' ? `wasm, ${threads ?? '?'} thread${threads === 1 ? '' : 's'}` : backend;
}

export function formatBenchTable(models: readonly NamedFigures[], comparison: FiguresRatio | null, clipFps: number | null = null): string {
  const header = ['', ...models.map((m) => (m.label ? `${m.label}: ${m.model}` : m.model))];
  if (comparison) header.push('B/A');
  const rows: string[][] = [];
  const add = (name: string, cells: string[], r?: number | null): void => {
    const row = [name, ...cells];
    if (comparison) row.push(r === undefined ? '' : ratioText(r));
    rows.push(row);
  };
  const f = models.map((m) => m.figures);
  add('backend', f.map((x) => backendText(x.backend, x.threads)));
  add('inference fps', f.map((x) => fixedOrDash(x.fps, 2)), comparison?.fps);
  if (comparison) add('  paired by round (median)', f.map(() => ''), comparison.fpsPairedMedian);
  add('latency p50 ms', f.map((x) => fixedOrDash(x.latencyP50Ms, 1)), comparison?.latencyP50Ms);
  add('latency p95 ms', f.map((x) => fixedOrDash(x.latencyP95Ms, 1)), comparison?.latencyP95Ms);
  for (const [stage] of BENCH_STAGES) {
    add(`  ${stage} p50 ms`, f.map((x) => fixedOrDash(x.stagesP50Ms[stage], 2)), comparison?.stagesP50Ms[stage]);
  }
  add('model-only fps (same worker, no video)', f.map((x) => fixedOrDash(x.modelOnlyFps, 2)));
  add('  end to end / model-only', f.map((x) => fixedOrDash(x.fps !== null && x.modelOnlyFps ? x.fps / x.modelOnlyFps : null, 2)));
  add('    paired by round (median)', f.map((x) => fixedOrDash(x.endToEndOverModelOnlyPaired, 2)));
  add('main thread ms per frame p50 (CPU)', f.map((x) => fixedOrDash(x.mainThreadMsPerFrameP50, 2)));
  add('  wall-clock task ms p50', f.map((x) => fixedOrDash(x.mainThreadWallMsPerFrameP50, 2)));
  add('dropped frames', f.map((x) => String(x.dropped)));
  add('video fps shown', f.map((x) => fixedOrDash(x.videoFps, 1)));
  add('  clip fps', f.map(() => fixedOrDash(clipFps, 2)));
  add('mask draws per s', f.map((x) => fixedOrDash(x.renderFps, 1)));
  add('main JS heap MiB', f.map((x) => startEnd(x.mainHeapStartBytes, x.mainHeapEndBytes)));
  add('worker JS heap MiB', f.map((x) => startEnd(x.workerHeapStartBytes, x.workerHeapEndBytes)));
  add('WASM memory MiB', f.map((x) => startEnd(x.wasmStartBytes, x.wasmEndBytes)));
  add('frames / seconds', f.map((x) => `${x.frames} / ${x.seconds.toFixed(1)}`));
  add('fps by round', f.map((x) => x.roundFps.map((v) => fixedOrDash(v, 2)).join(' ')));
  const align: Align[] = ['left', ...models.map((): Align => 'right'), 'right'];
  return formatTable(header, rows, align);
}

export function formatEnvironment(env: BenchEnvironment): string {
  const m = env.machine;
  return [
    `browser: ${env.browser} · navigator.hardwareConcurrency ${env.hardwareConcurrency ?? '?'}`,
    `machine: ${m.os} · ${m.cpu} · ${m.cores} cores · ${m.memory_gib} GiB · load average (1 min) ${m.load_avg_1m_start.toFixed(2)} at start, ${m.load_avg_1m_end.toFixed(2)} at end`,
  ].join('\n');
}
