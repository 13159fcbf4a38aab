// What `npm run eval` (cli/eval.ts, Node) and the eval page (src/eval/evalPage.ts, headless Chromium)
// exchange. Plain JSON-able data only: it crosses playwright's page.evaluate / exposeFunction.

import type { BackendRequest } from '../inference/backendChoice.ts';
import type { InitStage } from '../../workers/segmentationProtocol.ts';
import type { FlickerCounts } from '../processing/flicker.ts';
import type { FloatingDropped, MaskVariantName, UpsampleMode } from '../processing/maskPostprocess.ts';

/** Name of the global the eval page installs (window[EVAL_PAGE_GLOBAL].run(config)). */
export const EVAL_PAGE_GLOBAL = 'dashsegEval';
/** Name of the function the CLI exposes to the page for progress reports. */
export const EVAL_PROGRESS_FUNCTION = '__dashsegEvalProgress';

export interface EvalFrameRequest {
  /** Label/image file name, used as the frame's name in results. */
  readonly file: string;
  readonly imageUrl: string;
  readonly labelUrl: string;
  /** How errors name the files (paths as the user sees them). */
  readonly imageSource: string;
  readonly labelSource: string;
}

export interface EvalPageConfig {
  readonly modelUrl: string;
  readonly contractUrl: string | null;
  readonly backend: BackendRequest;
  readonly ortBaseUrl: string;
  readonly wasmThreads?: number;
  readonly frames: readonly EvalFrameRequest[];
  /** How many of the worst frames (lowest per-frame mIoU) to render as PNG overlays; 0 = none. */
  readonly worstFrames: number;
  /**
   * Which sequence the headline figures, per-frame rows and worst frames are about: the model's
   * class maps as they are ('off') or through the app's TemporalStabiliser ('on'). Both are scored.
   */
  readonly stabilise: StabiliseChoice;
  /**
   * Likewise for upsampling: the class maps brought to the label's size by the app's guided
   * upsampling ('guided') or NEAREST. Both are scored.
   */
  readonly upsample: UpsampleMode;
  /** Whether the floating-object check (floatingObjects.ts) runs on every class map before the rest: it applies to all four variants. */
  readonly dropFloating: boolean;
}

export type StabiliseChoice = 'on' | 'off';

export type EvalProgress =
  | { readonly kind: 'init'; readonly stage: InitStage; readonly loaded?: number; readonly total?: number }
  | { readonly kind: 'frame'; readonly done: number; readonly total: number; readonly file: string; readonly ms: number }
  | { readonly kind: 'overlays'; readonly done: number; readonly total: number }
  | { readonly kind: 'notice'; readonly message: string };

export interface EvalFrameResult {
  readonly file: string;
  /** Percent; null when the frame has no scored (non-void) pixels. */
  readonly miou: number | null;
  readonly pixelAccuracy: number | null;
  /** Wall time of SegmentationClient.segment() on the page: transfer, worker stages, transfer back. */
  readonly ms: number;
  readonly preprocessMs: number;
  readonly inferenceMs: number;
  readonly postprocessMs: number;
  /** Temporal stabilisation of the class map (at the model's output size), in the worker. */
  readonly stabiliseMs: number;
  /** Guided upsampling of the (stabilised) class map to the input size, in the worker. */
  readonly upsampleMs: number;
  /** Model output size (the mask is resized to the label size when it differs). */
  readonly maskWidth: number;
  readonly maskHeight: number;
  readonly labelWidth: number;
  readonly labelHeight: number;
}

export interface EvalOverlay {
  readonly file: string;
  readonly miou: number | null;
  readonly pixelAccuracy: number | null;
  /** PNG data URLs, all at the label's size. */
  readonly image: string;
  readonly groundTruth: string;
  readonly prediction: string;
}

/** One sequence of predictions (the model's maps, or stabilised) scored over all frames. */
export interface EvalSequenceScore {
  /** Row-major numClasses x numClasses pixel counts, rows = ground truth. */
  readonly confusion: readonly number[];
  /** Over consecutive frame pairs, at the label's size (src/processing/flicker.ts). */
  readonly flicker: FlickerCounts;
  /** Like `confusion`, over the pixels within `boundaryRadius` px of a label edge only (boundaryBand.ts). */
  readonly boundaryConfusion: readonly number[];
}

/** Guided and NEAREST upsampling of the same class maps (with the headline stabilisation choice). */
export interface EvalUpsampling {
  readonly headline: UpsampleMode;
  /** The guided upsampler's rule in words. */
  readonly rule: string;
  readonly nearest: EvalSequenceScore;
  readonly guided: EvalSequenceScore;
}

/** Both sequences, computed from the same class maps in file-name order. */
export interface EvalStabilisation {
  readonly headline: StabiliseChoice;
  /** The stabiliser's rule in words (describeStabiliser). */
  readonly rule: string;
  readonly sceneCuts: number;
  readonly off: EvalSequenceScore;
  readonly on: EvalSequenceScore;
}

export interface EvalPageResult {
  readonly backend: 'wasm' | 'webgpu';
  readonly threads: number;
  readonly backendReason: string;
  readonly adapter: string | null;
  readonly modelName: string;
  /** Model class names and colours, index = class id. */
  readonly classNames: readonly string[];
  readonly classColors: readonly (readonly [number, number, number])[];
  readonly voidId: number;
  readonly inputSize: { readonly width: number; readonly height: number };
  /** Row-major numClasses x numClasses pixel counts, rows = ground truth (the headline sequence). */
  readonly confusion: readonly number[];
  /** Stabilisation off and on (with the headline upsampling). */
  readonly stabilisation: EvalStabilisation;
  readonly upsampling: EvalUpsampling;
  /** All four combinations, scored on the same class maps. */
  readonly variants: Readonly<Record<MaskVariantName, EvalSequenceScore>>;
  /** The headline combination: `${upsample}/${stabilise}`. */
  readonly headlineVariant: MaskVariantName;
  /**
   * Whether floating regions were relabelled (in every variant), whether the model's contract gives its
   * classes a placement (without one there is nothing to check), and how many were relabelled over the run.
   */
  readonly floating: { readonly dropped: boolean; readonly placed: boolean } & FloatingDropped;
  /** Pixels within this distance (px, at the label's size) of a label edge count for boundary IoU. */
  readonly boundaryRadius: number;
  /** Per frame, of the headline sequence. */
  readonly frames: readonly EvalFrameResult[];
  readonly overlays: readonly EvalOverlay[];
  readonly loadMs: number;
  readonly warmupMs: number;
  /** From the first frame's fetch to the last frame's result. */
  readonly framesMs: number;
  readonly userAgent: string;
  readonly crossOriginIsolated: boolean;
  readonly notices: readonly string[];
}

export type EvalFailureStage = 'init' | 'frame' | 'overlays';

export interface EvalPageFailure {
  readonly stage: EvalFailureStage;
  /**
   * SegmentationErrorCode or client code (worker-crashed, worker-timeout) when the model side failed;
   * 'label' (LabelError), 'image' (undecodable image), 'read' (file could not be served),
   * 'prediction' (the model emitted ids outside its classes), or 'internal'.
   */
  readonly code: string;
  readonly message: string;
  /** The frame (file name) being processed, when stage is 'frame'. */
  readonly file: string | null;
}

export type EvalPageOutcome =
  | { readonly ok: true; readonly result: EvalPageResult }
  | { readonly ok: false; readonly failure: EvalPageFailure };

export interface EvalPageApi {
  run(config: EvalPageConfig): Promise<EvalPageOutcome>;
}
