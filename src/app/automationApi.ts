// window.dashseg: the app's automation API, as declared types. The bench CLI (cli/bench) and the e2e
// tests (tests/e2e/helpers) import these, so a change here is a type error there, not a silent drift.

import type { AppError, AppMessage } from './appMessages.ts';
import type { Stage } from '../ui/liveStats.ts';
import type { FrameLogRow } from '../processing/logFormat.ts';
import type { BackendRequest } from '../inference/backendChoice.ts';
import type { ExportedVideo, ExportRequest } from './videoExporter.ts';
import type { MaskPostprocessSettings } from '../processing/maskPostprocess.ts';

/** What window.dashseg.reloadModel() may change; omitted fields keep their current value. */
export interface ModelReload {
  readonly model?: string;
  readonly backend?: BackendRequest;
  /** WASM threads; null = automatic (the default). */
  readonly threads?: number | null;
  /** Let ORT's WASM thread pool spin-wait between runs (its default; the app turns it off). For the bench. */
  readonly spinWait?: boolean;
  /** Stabilisation and upsampling of the masks (the toolbar's toggles). */
  readonly postprocess?: MaskPostprocessSettings;
}

export interface DashsegStats {
  /** A model is loaded and segments. */
  readonly ready: boolean;
  readonly backend: 'wasm' | 'webgpu' | null;
  readonly threads: number | null;
  readonly backendReason: string | null;
  /** The WebGPU adapter that runs the model (or was probed), described; null on WASM without one. */
  readonly adapter: string | null;
  readonly model: string;
  readonly inputSize: { readonly width: number; readonly height: number } | null;
  readonly source: { readonly kind: 'video-file' | 'webcam' | 'sequence'; readonly label: string; readonly ended: boolean } | null;
  /** Masks segmented since the model loaded. */
  readonly frames: number;
  /** Masks that reached the canvas since the model loaded (a newer mask may replace one before it is drawn). */
  readonly masksDrawn: number;
  /** Masks per second (3 s window). */
  readonly fps: number;
  /** Masks drawn on the mask layer per second (3 s window). */
  readonly renderFps: number;
  /** Frames the shown video presented per second (its presented-frame count, about the last 3 s); 0 for stills. */
  readonly videoFps: number;
  readonly latencyP50Ms: number | null;
  readonly latencyP95Ms: number | null;
  readonly stagesP50Ms: Readonly<Record<Stage, number | null>> | null;
  readonly droppedFrames: number;
  /** How old the mask on screen is (ms since its frame was captured). */
  readonly maskAgeMs: number | null;
  /** Share of each class in the masks shown (by class name). */
  readonly classFractions: Readonly<Record<string, number>>;
  /** Running mIoU over the labelled frames scored (%), null without ground truth. */
  readonly miou: number | null;
  readonly pixelAccuracy: number | null;
  readonly perClassIou: Readonly<Record<string, number | null>> | null;
  readonly scoredFrames: number;
  /** Worker restarts (timeouts, crashes, WebGPU failures). */
  readonly restarts: number;
  readonly recording: boolean;
  readonly rendererMemory: { readonly textures: number; readonly geometries: number; readonly programs: number } | null;
  /** The message that stands now (see MessageBoard). */
  readonly lastError: AppError | null;
  /** Every error and notice of the page, oldest first. */
  readonly messages: readonly AppMessage[];
}

/** The mask on screen: row-major class ids. */
export interface ShownMask {
  readonly width: number;
  readonly height: number;
  readonly ids: number[];
}

export interface ModelOnlyRate {
  readonly frames: number;
  readonly seconds: number;
  readonly fps: number;
}

export interface DashsegAutomation {
  stats(): DashsegStats;
  /** The recorded log rows. */
  log(): readonly FrameLogRow[];
  /** Resolves when every recorded row is persisted (IndexedDB). */
  flushLog(): Promise<void>;
  /** A copy of the mask on screen; null before the first. */
  latestMask(): ShownMask | null;
  /** The JSON document of the log download: { startedAt, summary, rows }. */
  summary(): unknown;
  /** Records `seconds` of the playing video with its masks, encoded in the browser (WebM). */
  exportVideo(request: ExportRequest): Promise<ExportedVideo>;
  /** The model-only rate of the worker the app uses (the bench's model_only_fps). */
  measureModelOnly(seconds: number): Promise<ModelOnlyRate>;
  /** Swaps model / backend / WASM threads without reloading the page. */
  reloadModel(change?: ModelReload): Promise<void>;
  startRecording(): void;
  stopRecording(): void;
}
