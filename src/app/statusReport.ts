// What the app reports about itself, from one snapshot of its state: the HUD's figures and
// window.dashseg.stats(). Pure (no DOM): unit-tested.

import type { HudModel } from '../ui/hudText.ts';
import type { LiveStats, Stage } from '../ui/liveStats.ts';
import type { SegmentationInitResult } from '../../workers/segmentationProtocol.ts';
import type { AppError, AppMessage } from './appMessages.ts';
import type { DashsegStats } from './automationApi.ts';

/** The app's state that the reports read. */
export interface AppSnapshot {
  readonly status: string;
  /** The model asked for (shown until one is loaded). */
  readonly requestedModel: string;
  readonly client: { readonly info: SegmentationInitResult; readonly restarts: number } | null;
  readonly stats: LiveStats | null;
  readonly source: { readonly kind: 'video-file' | 'webcam' | 'sequence'; readonly label: string } | null;
  readonly sourceEnded: boolean;
  readonly dropped: number;
  readonly maskAgeMs: number | null;
  readonly synced: boolean;
  readonly videoFps: number;
  readonly recording: boolean;
  readonly rendererMemory: DashsegStats['rendererMemory'];
  readonly lastError: AppError | null;
  readonly messages: readonly AppMessage[];
}

/** The parts a snapshot reads: ModelSession, SourceController, the overlay (null without WebGL), FrameLog, MessageBoard. */
export interface ReportedParts {
  readonly model: {
    readonly status: string;
    readonly modelUrl: string;
    readonly client: AppSnapshot['client'];
    readonly stats: LiveStats | null;
    readonly pipeline: { readonly dropped: number } | null;
  };
  readonly sources: { readonly source: AppSnapshot['source']; readonly sourceEnded: boolean };
  readonly overlay: {
    readonly presenter: { maskAgeMs(): number | null; readonly synced: boolean };
    readonly renderer: { videoFps(now: number): number; memoryInfo(): NonNullable<DashsegStats['rendererMemory']> };
  } | null;
  readonly log: { readonly recording: boolean };
  readonly messages: { readonly lastError: AppError | null; messages(): readonly AppMessage[] };
}

/** The app's state now (`now`: performance.now(), for the video's frame rate). */
export function snapshotOf(p: ReportedParts, now: number): AppSnapshot {
  const { model, sources, overlay } = p;
  return {
    status: model.status,
    requestedModel: model.modelUrl,
    client: model.client,
    stats: model.stats,
    source: sources.source,
    sourceEnded: sources.sourceEnded,
    dropped: model.pipeline?.dropped ?? 0,
    maskAgeMs: overlay?.presenter.maskAgeMs() ?? null,
    synced: overlay?.presenter.synced ?? false,
    videoFps: overlay?.renderer.videoFps(now) ?? 0,
    recording: p.log.recording,
    rendererMemory: overlay?.renderer.memoryInfo() ?? null,
    lastError: p.messages.lastError,
    messages: p.messages.messages(),
  };
}

export function hudModelOf(a: AppSnapshot, now: number): HudModel {
  const info = a.client?.info ?? null;
  const s = a.stats;
  return {
    status: a.status,
    backend: info ? `${info.backend}${info.backend === 'wasm' ? ` x${info.threads} threads` : ''}` : 'none',
    reason: info?.reason ?? '',
    adapter: info?.adapter ?? null,
    model: info?.contract.name ?? a.requestedModel,
    inputSize: info ? `${info.inputSize.width}x${info.inputSize.height}` : '',
    source: a.source?.label ?? 'none',
    inferenceFps: s?.inferenceFps.fps(now) ?? 0,
    renderFps: s?.renderFps.fps(now) ?? 0,
    videoFps: a.videoFps,
    latencyP50: s?.stages.latencyMs.percentile(50) ?? null,
    latencyP95: s?.stages.latencyMs.percentile(95) ?? null,
    stages: s ? (Object.fromEntries(Object.entries(s.stages).map(([k, w]) => [k, w.percentile(50)])) as Record<Stage, number | null>) : null,
    dropped: a.dropped,
    frames: s?.frames ?? 0,
    maskAgeMs: a.maskAgeMs,
    synced: a.synced,
    miou: s?.miou() ?? null,
    scoredFrames: s?.scoredFrames ?? 0,
    perClassIou: s && s.scoredFrames ? s.perClassIou() : null,
    recording: a.recording,
  };
}

export function statsOf(a: AppSnapshot, now: number): DashsegStats {
  const h = hudModelOf(a, now);
  const info = a.client?.info ?? null;
  const s = a.stats;
  return {
    ready: a.client !== null,
    backend: info?.backend ?? null,
    threads: info?.threads ?? null,
    backendReason: info?.reason ?? null,
    adapter: info?.adapter ?? null,
    model: h.model,
    inputSize: info?.inputSize ?? null,
    source: a.source ? { kind: a.source.kind, label: a.source.label, ended: a.sourceEnded } : null,
    frames: h.frames,
    masksDrawn: s?.masksDrawn ?? 0,
    fps: h.inferenceFps,
    renderFps: h.renderFps,
    videoFps: h.videoFps,
    latencyP50Ms: h.latencyP50,
    latencyP95Ms: h.latencyP95,
    stagesP50Ms: h.stages as DashsegStats['stagesP50Ms'],
    droppedFrames: h.dropped,
    maskAgeMs: h.maskAgeMs,
    classFractions: s ? s.classFractions() : {},
    miou: h.miou,
    pixelAccuracy: s?.pixelAccuracy() ?? null,
    perClassIou: h.perClassIou,
    scoredFrames: h.scoredFrames,
    restarts: a.client?.restarts ?? 0,
    recording: a.recording,
    rendererMemory: a.rendererMemory,
    lastError: a.lastError,
    messages: a.messages,
  };
}
