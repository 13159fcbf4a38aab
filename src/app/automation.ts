// window.dashseg: builds the automation API (declared in automationApi.ts) from the app's parts, for
// the e2e tests and the bench CLI. Each method only reads a part or forwards to it.

import { statsOf, type AppSnapshot } from './statusReport.ts';
import { measureAppModelOnly } from './modelOnlyRate.ts';
import type { DashsegAutomation, DashsegStats, ModelReload } from './automationApi.ts';
import type { ExportRequest } from './videoExporter.ts';
import type { FrameLog } from './frameLog.ts';
import type { ModelSession } from './modelSession.ts';
import type { SourceController } from './sourceController.ts';
import type { RecordingControl } from './recordingControl.ts';
import type { VideoExportControl } from './videoExportControl.ts';

export interface AutomationParts {
  /** The state stats() reports (see statusReport.ts). */
  snapshot(): AppSnapshot;
  /** The mask on screen (OverlayRenderer.currentMask; null without WebGL or before the first). */
  currentMask(): { data: Uint8Array; width: number; height: number } | null;
  readonly log: FrameLog;
  readonly recording: RecordingControl;
  readonly model: ModelSession;
  readonly sources: SourceController;
  readonly exporter: VideoExportControl;
}

export function createAutomationApi(parts: AutomationParts): DashsegAutomation {
  const { log, recording, model, sources, exporter } = parts;
  return {
    stats: (): DashsegStats => statsOf(parts.snapshot(), performance.now()),
    log: () => log.recorder.all(),
    /** Resolves when every recorded row is persisted (IndexedDB). */
    flushLog: () => log.recorder.flush(),
    /** A copy of the mask on screen: {width, height, ids} (row-major class ids); null before the first. */
    latestMask: () => {
      const m = parts.currentMask();
      return m ? { width: m.width, height: m.height, ids: Array.from(m.data) } : null;
    },
    summary: () => JSON.parse(log.recorder.json(model.logSummaryContext())) as unknown,
    exportVideo: (request: ExportRequest) => exporter.export(request),
    /** The model-only rate of the worker the app uses (see measureAppModelOnly). */
    measureModelOnly: (seconds: number) => measureAppModelOnly(model, sources, seconds),
    /** Swaps model / backend / WASM threads without reloading the page (see ModelSession.reload). */
    reloadModel: (change: ModelReload = {}) => model.reload(change),
    startRecording: () => recording.start(),
    stopRecording: () => recording.stop(),
  };
}
