// The typed API of workers/segmentation.worker.ts, shared by the worker and its main-thread client.

import type { Backend, BackendRequest } from '../src/inference/backendChoice.ts';
import type { ModelContract } from '../src/processing/modelContract.ts';
import type { FloatingDropped, MaskPostprocessSettings, MaskVariantName, ShownMask } from '../src/processing/maskPostprocess.ts';
import type { TemporalStabiliserOptions } from '../src/processing/temporalStabiliser.ts';
import type { GuidedUpsampleOptions } from '../src/processing/guidedUpsample.ts';

export interface SegmentationInitOptions {
  /** URL of the .onnx file. */
  readonly modelUrl: string;
  /** URL of the contract JSON; null for a bare peer model (contract derived from the graph). */
  readonly contractUrl: string | null;
  /** When true, a contract URL that answers 404 means "no contract" (peer models without a JSON). */
  readonly contractOptional?: boolean;
  readonly backend: BackendRequest;
  /** Where ORT's runtime .mjs/.wasm files are served (ort.env.wasm.wasmPaths). */
  readonly ortBaseUrl: string;
  /** Overrides the automatic WASM thread count (bench experiments); undefined = automatic. */
  readonly wasmThreads?: number;
  /** Let ORT's thread pool spin-wait between runs (its default); off unless benchmarking it. */
  readonly spinWait?: boolean;
  /** How class maps become the masks shown (stabilisation, upsampling); DEFAULT_MASK_POSTPROCESS when absent. */
  readonly postprocess?: MaskPostprocessSettings;
  /** Also return every combination of the postprocessing settings with each mask (`npm run eval`). */
  readonly maskVariants?: boolean;
}

export type InitStage = 'probe-adapter' | 'load-runtime' | 'download-model' | 'create-session' | 'warm-up';

export interface InitProgress {
  readonly stage: InitStage;
  /** Bytes downloaded so far / total, for 'download-model'. */
  readonly loaded?: number;
  readonly total?: number;
}

export interface SegmentationInitResult {
  readonly backend: Backend;
  readonly threads: number;
  readonly reason: string;
  /** Human-readable adapter description when WebGPU runs (or was probed), else null. */
  readonly adapter: string | null;
  readonly contract: ModelContract;
  readonly inputSize: { readonly height: number; readonly width: number };
  /** Class names of the model's classes, in id order. */
  readonly classes: readonly string[];
  readonly loadMs: number;
  readonly warmupMs: number;
  /** The rules the worker's postprocessing follows (the settings only turn them on or off). */
  readonly postprocess: { readonly stabiliser: TemporalStabiliserOptions; readonly upsample: GuidedUpsampleOptions };
}

/** The segmentation worker's own times for one frame. */
export interface InferenceTimings {
  readonly preprocessMs: number;
  readonly inferenceMs: number;
  /** Reading the output into a class map and handing it to the postprocessing worker. */
  readonly postprocessMs: number;
  /** From segment() entry to return, inside the segmentation worker. */
  readonly workerMs: number;
}

export interface SegmentationTimings extends InferenceTimings {
  /** Temporal stabilisation of the class map (0 when off), in the postprocessing worker. */
  readonly stabiliseMs: number;
  /** Upsampling to the input size (0 for NEAREST: the renderer scales the map), in the postprocessing worker. */
  readonly upsampleMs: number;
  /** The postprocessing worker's whole time for the map (it runs beside the next frame's inference). */
  readonly postprocessWorkerMs: number;
}

export interface SegmentationResult {
  readonly kind: 'mask';
  /**
   * The mask to show: class id per pixel, row-major, width x height, after the worker's
   * postprocessing (MaskPostprocessSettings): the model's output resolution with NEAREST upsampling,
   * the model's input resolution with guided upsampling.
   */
  readonly mask: Uint8Array;
  readonly width: number;
  readonly height: number;
  /** The size of the model's own class map. */
  readonly modelMapSize: { readonly width: number; readonly height: number };
  /** The settings the mask was made with. */
  readonly postprocess: MaskPostprocessSettings;
  /** Every combination of the settings, when the worker was started with maskVariants. */
  readonly variants?: Readonly<Record<MaskVariantName, ShownMask>>;
  /** Class maps the stabiliser took as scene cuts since the worker started. */
  readonly sceneCuts: number;
  /** What the floating-object check relabelled since the worker started. */
  readonly floatingDropped: FloatingDropped;
  /** Echo of the caller's timestamp, to match the result with its frame. */
  readonly timestamp: number;
  /** How the frame became the input tensor (see InputPath). */
  readonly inputPath: InputPath;
  readonly timings: SegmentationTimings;
}

/**
 * "fused <format>": a VideoFrame's own planes converted, resized and normalised in one pass;
 * "canvas": drawn into a canvas and read back (an ImageBitmap, or a VideoFrame in a format the fused
 * path does not handle, named as "canvas (VideoFrame format X)").
 */
export type InputPath = string;

/** A frame that waited in the worker and was cleared before it ran (see clearWaiting); it was closed there. */
export interface SegmentationSkipped {
  readonly kind: 'skipped';
  readonly timestamp: number;
}

export type SegmentationOutcome = SegmentationResult | SegmentationSkipped;

/**
 * What the segmentation worker itself answers for a frame it ran: the class map went to the mask
 * postprocessing worker as number `seq`, whose answer (maskPostprocessProtocol.ts) brings the mask;
 * the page's client puts the two together into a SegmentationResult.
 */
export interface SegmentationHandedOff {
  readonly kind: 'handed-off';
  readonly seq: number;
  readonly modelMapSize: { readonly width: number; readonly height: number };
  readonly timestamp: number;
  readonly inputPath: InputPath;
  readonly timings: InferenceTimings;
}

export type SegmentationWorkerOutcome = SegmentationHandedOff | SegmentationSkipped;

/** Error names thrown across the comlink boundary; the client maps them to user messages. */
export type SegmentationErrorCode =
  | 'model-not-found'
  | 'model-corrupt'
  | 'contract-invalid'
  | 'contract-mismatch'
  | 'runtime-load-failed'
  | 'session-failed'
  | 'webgpu-failed'
  | 'not-initialised'
  | 'busy'
  | 'inference-failed';

export interface SegmentationWorkerApi {
  /** The port to the mask postprocessing worker (transferred); before init(). */
  connectPostprocess(port: MessagePort): Promise<void>;
  init(options: SegmentationInitOptions, onProgress?: (p: InitProgress) => void): Promise<SegmentationInitResult>;
  /**
   * `frame` is transferred and closed by the worker; `recycled` (a previous mask) is reused when it fits.
   * A frame sent while another runs waits in the worker's one slot and starts the moment the running
   * one finishes; a newer frame sent while one waits replaces it (the replaced one resolves 'skipped').
   */
  segment(frame: ImageBitmap | VideoFrame, timestamp: number, recycled?: Uint8Array): Promise<SegmentationWorkerOutcome>;
  /** Clears the frame waiting in the worker, if any: its segment() resolves 'skipped'. */
  clearWaiting(): Promise<void>;
  /** New postprocessing settings, for the frames that start after this. */
  configure(settings: MaskPostprocessSettings): Promise<void>;
  /** Drops the stabiliser's history (a new source, a seek): the next mask is the model's as it is. */
  resetHistory(): Promise<void>;
  dispose(): Promise<void>;
}
