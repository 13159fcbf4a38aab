// The HUD's text: one pure function from the live figures to lines (unit-testable, no DOM).

export interface HudModel {
  readonly status: string;
  readonly backend: string;
  readonly reason: string;
  readonly adapter: string | null;
  readonly model: string;
  readonly inputSize: string;
  readonly source: string;
  readonly inferenceFps: number;
  readonly renderFps: number;
  /** Frames the shown video presented per second (0 for stills). */
  readonly videoFps: number;
  readonly latencyP50: number | null;
  readonly latencyP95: number | null;
  readonly stages: Readonly<Record<string, number | null>> | null;
  readonly dropped: number;
  readonly frames: number;
  readonly maskAgeMs: number | null;
  readonly synced: boolean;
  readonly miou: number | null;
  readonly scoredFrames: number;
  readonly perClassIou: Readonly<Record<string, number | null>> | null;
  readonly recording: boolean;
}

const ms = (v: number | null | undefined): string => (v === null || v === undefined ? '–' : `${v.toFixed(1)} ms`);

export function formatHud(m: HudModel): string {
  const lines = [
    `status      ${m.status}`,
    `backend     ${m.backend}`,
    `            ${m.reason}`,
    ...(m.adapter ? [`adapter     ${m.adapter}`] : []),
    `model       ${m.model} @ ${m.inputSize}`,
    `source      ${m.source}`,
    `inference   ${m.inferenceFps.toFixed(1)} FPS  (${m.frames} frames, ${m.dropped} dropped)`,
    `video       ${m.videoFps.toFixed(1)} FPS shown · mask draws ${m.renderFps.toFixed(1)} FPS`,
    `latency     p50 ${ms(m.latencyP50)}  p95 ${ms(m.latencyP95)}`,
    `mask age    ${ms(m.maskAgeMs)}${m.synced ? ' (synced)' : ''}`,
  ];
  if (m.stages) {
    lines.push('stage p50   ' + ['captureMs', 'preprocessMs', 'inferenceMs', 'postprocessMs', 'stabiliseMs', 'upsampleMs', 'uploadMs', 'videoUploadMs', 'renderMs']
      .map((k) => `${k.replace('Ms', '')} ${m.stages?.[k] == null ? '–' : (m.stages[k] as number).toFixed(1)}`)
      .join(' · '));
  }
  if (m.miou !== null) {
    lines.push(`mIoU        ${m.miou.toFixed(1)} % over ${m.scoredFrames} labelled frames`);
    for (const [name, iou] of Object.entries(m.perClassIou ?? {})) {
      lines.push(`  ${name.padEnd(11)} ${iou === null ? '–' : `${iou.toFixed(1)} %`}`);
    }
  }
  if (m.recording) lines.push('● recording');
  return lines.join('\n');
}
