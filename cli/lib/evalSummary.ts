// Turns the eval page's result into what `npm run eval` prints and writes: the console table, the
// JSON summary and the per-frame CSV. Metrics come from src/processing (summarizeLog over the
// confusion matrix, flickerRate), the same code as the app's downloadable run summary.

import { iouPerClass, meanIoU, pixelAccuracy, type ConfusionMatrix } from '../../src/processing/confusion.ts';
import { flickerRate } from '../../src/processing/flicker.ts';
import { summarizeLog, toCsv, type Distribution, type FrameLogRow } from '../../src/processing/logFormat.ts';
import { mean, percentile } from '../../src/processing/stats.ts';
import type { EvalPageResult, EvalSequenceScore, StabiliseChoice } from '../../src/eval/evalProtocol.ts';
import { MASK_VARIANT_NAMES, type MaskVariantName, type UpsampleMode } from '../../src/processing/maskPostprocess.ts';
import { formatDuration } from './progress.ts';
import { fixedOrDash, formatTable, groupThousands } from './table.ts';

export interface EvalRunContext {
  /** Paths as shown to the user. */
  readonly model: string;
  readonly contract: string | null;
  readonly images: string;
  readonly labels: string;
  readonly backendRequested: string;
  /** e.g. "Chromium 156.0.8078.108". */
  readonly browser: string;
  /** Whole run, CLI start to result (build, browser start, model load, frames). */
  readonly elapsedS: number;
  readonly created: Date;
}

/** One sequence (stabilisation off or on, NEAREST or guided upsampling) over the whole run; percentages 0-100. */
export interface EvalSequenceJson {
  readonly miou: number | null;
  /** mIoU over the pixels within `upsample.boundary_radius_px` of a label edge only. */
  readonly boundary_iou: number | null;
  readonly pixel_accuracy: number | null;
  /** Of the pixel pairs whose label is the same non-void class in two consecutive frames, the share whose predicted class changes. */
  readonly flicker_rate: number | null;
  readonly steady_pixels: number;
  readonly changed_pixels: number;
}

export interface EvalSummaryJson {
  readonly tool: 'dashseg eval';
  readonly created: string;
  readonly model: string;
  readonly contract: string | null;
  readonly model_name: string;
  readonly images: string;
  readonly labels: string;
  readonly frames: number;
  /** Percent 0-100: mean IoU over the classes present (IoU not null). Of `stabilise.headline`'s sequence, as are the per-class figures. */
  readonly miou: number | null;
  readonly pixel_accuracy: number | null;
  /** Percent 0-100, of `stabilise.headline`'s sequence (see EvalSequenceJson). */
  readonly flicker_rate: number | null;
  /** Percent 0-100, of the headline sequence: IoU over the pixels near a label edge (see `upsample`). */
  readonly boundary_iou: number | null;
  /** The same class maps scored as the model gives them (off) and through the app's stabiliser (on), with the headline upsampling. */
  readonly stabilise: {
    readonly headline: StabiliseChoice;
    readonly rule: string;
    readonly scene_cuts: number;
    readonly off: EvalSequenceJson;
    readonly on: EvalSequenceJson;
  };
  /** The same class maps brought to the picture's size NEAREST and by the app's guided upsampling, with the headline stabilisation. */
  readonly upsample: {
    readonly headline: UpsampleMode;
    readonly rule: string;
    /** Boundary IoU counts the pixels within this many px of a label edge (at the label's size). */
    readonly boundary_radius_px: number;
    readonly nearest: EvalSequenceJson;
    readonly guided: EvalSequenceJson;
  };
  /** All four combinations, `${upsample}/${stabilise}`. */
  readonly variants: Record<MaskVariantName, EvalSequenceJson>;
  /** The floating-object check (--floating): on or off for every variant alike, and what it relabelled over the run. */
  readonly floating: { readonly dropped: boolean; readonly placed: boolean; readonly maps: number; readonly regions: number; readonly pixels: number };
  /** Mean of the per-frame mIoU (percent); for comparison with per-frame views. */
  readonly mean_frame_miou: number | null;
  /** Class name → IoU in percent, null when the class is neither in the labels nor predicted. */
  readonly per_class: Record<string, number | null>;
  readonly classes: readonly string[];
  readonly void_id: number;
  /** Pixel counts, rows = ground truth, columns = prediction, in `classes` order. */
  readonly confusion: number[][];
  readonly backend: string;
  readonly backend_requested: string;
  readonly backend_reason: string;
  readonly threads: number;
  readonly adapter: string | null;
  readonly browser: string;
  readonly user_agent: string;
  readonly cross_origin_isolated: boolean;
  readonly input_size: { readonly width: number; readonly height: number };
  readonly timings_ms: {
    /** SegmentationClient.segment() wall time per frame, as the app sees it. */
    readonly segment: Distribution;
    readonly preprocess: Distribution;
    readonly inference: Distribution;
    readonly postprocess: Distribution;
    /** Temporal stabilisation per class map, in the worker. */
    readonly stabilise: Distribution;
    /** Guided upsampling per class map, in the worker. */
    readonly upsample: Distribution;
    readonly model_load: number;
    readonly warmup: number;
  };
  /** Frames loop (fetch, decode, segment, score) in seconds. */
  readonly eval_s: number;
  readonly elapsed_s: number;
  readonly notices: readonly string[];
}

const round3 = (v: number): number => Math.round(v * 1000) / 1000;
const round3OrNull = (v: number | null): number | null => (v === null ? null : round3(v));

function confusionOf(cells: readonly number[], numClasses: number): ConfusionMatrix {
  if (cells.length !== numClasses * numClasses) {
    throw new RangeError(`confusion has ${cells.length} cells for ${numClasses} classes`);
  }
  return { numClasses, counts: Float64Array.from(cells) };
}

export function confusionFromResult(result: EvalPageResult): ConfusionMatrix {
  return confusionOf(result.confusion, result.classNames.length);
}

function sequenceJson(score: EvalSequenceScore, numClasses: number): EvalSequenceJson {
  const confusion = confusionOf(score.confusion, numClasses);
  return {
    miou: round3OrNull(meanIoU(confusion)),
    boundary_iou: round3OrNull(meanIoU(confusionOf(score.boundaryConfusion, numClasses))),
    pixel_accuracy: round3OrNull(pixelAccuracy(confusion)),
    flicker_rate: round3OrNull(flickerRate(score.flicker)),
    steady_pixels: score.flicker.steadyPixels,
    changed_pixels: score.flicker.changedPixels,
  };
}

function distributionOf(values: readonly number[]): Distribution {
  return { mean: round3OrNull(mean(values)), p50: round3OrNull(percentile(values, 50)), p95: round3OrNull(percentile(values, 95)) };
}

/** The per-frame rows in the app's log format (FrameLogRow), for summarizeLog. */
function logRows(result: EvalPageResult): FrameLogRow[] {
  return result.frames.map((f, i) => ({
    time: i,
    frameIndex: i,
    preprocessMs: f.preprocessMs,
    inferenceMs: f.inferenceMs,
    postprocessMs: f.postprocessMs,
    latencyMs: f.ms,
    backend: result.backend,
    miou: f.miou,
    pixelAccuracy: f.pixelAccuracy,
  }));
}

export function buildEvalJson(result: EvalPageResult, context: EvalRunContext): EvalSummaryJson {
  const confusion = confusionFromResult(result);
  const summary = summarizeLog(logRows(result), {
    confusion,
    classNames: result.classNames,
    model: context.model,
    browser: context.browser,
  });
  return {
    tool: 'dashseg eval',
    created: context.created.toISOString(),
    model: context.model,
    contract: context.contract,
    model_name: result.modelName,
    images: context.images,
    labels: context.labels,
    frames: result.frames.length,
    miou: summary.miou,
    pixel_accuracy: summary.pixelAccuracy,
    mean_frame_miou: summary.meanFrameMiou,
    flicker_rate: round3OrNull(flickerRate(result.stabilisation[result.stabilisation.headline].flicker)),
    boundary_iou: round3OrNull(meanIoU(confusionOf(result.variants[result.headlineVariant].boundaryConfusion, result.classNames.length))),
    stabilise: {
      headline: result.stabilisation.headline,
      rule: result.stabilisation.rule,
      scene_cuts: result.stabilisation.sceneCuts,
      off: sequenceJson(result.stabilisation.off, result.classNames.length),
      on: sequenceJson(result.stabilisation.on, result.classNames.length),
    },
    upsample: {
      headline: result.upsampling.headline,
      rule: result.upsampling.rule,
      boundary_radius_px: result.boundaryRadius,
      nearest: sequenceJson(result.upsampling.nearest, result.classNames.length),
      guided: sequenceJson(result.upsampling.guided, result.classNames.length),
    },
    variants: Object.fromEntries(MASK_VARIANT_NAMES.map((name) => [name, sequenceJson(result.variants[name], result.classNames.length)])) as Record<MaskVariantName, EvalSequenceJson>,
    floating: { dropped: result.floating.dropped, placed: result.floating.placed, maps: result.floating.maps, regions: result.floating.regions, pixels: result.floating.pixels },
    per_class: summary.perClassIou ?? {},
    classes: [...result.classNames],
    void_id: result.voidId,
    confusion: summary.confusion?.rows ?? [],
    backend: result.backend,
    backend_requested: context.backendRequested,
    backend_reason: result.backendReason,
    threads: result.threads,
    adapter: result.adapter,
    browser: context.browser,
    user_agent: result.userAgent,
    cross_origin_isolated: result.crossOriginIsolated,
    input_size: result.inputSize,
    timings_ms: {
      segment: summary.stagesMs.latencyMs,
      preprocess: summary.stagesMs.preprocessMs,
      inference: summary.stagesMs.inferenceMs,
      postprocess: summary.stagesMs.postprocessMs,
      stabilise: distributionOf(result.frames.map((f) => f.stabiliseMs)),
      upsample: distributionOf(result.frames.map((f) => f.upsampleMs)),
      model_load: round3(result.loadMs),
      warmup: round3(result.warmupMs),
    },
    eval_s: round3(result.framesMs / 1000),
    elapsed_s: round3(context.elapsedS),
    notices: [...result.notices],
  };
}

export const CSV_COLUMNS = ['file', 'miou', 'pixel_accuracy', 'ms', 'preprocess_ms', 'inference_ms', 'postprocess_ms'] as const;

export interface EvalCsvRow {
  readonly file: string;
  readonly miou: number | null;
  readonly pixel_accuracy: number | null;
  readonly ms: number;
  readonly preprocess_ms: number;
  readonly inference_ms: number;
  readonly postprocess_ms: number;
}

/** One row per frame; mIoU and accuracy in percent, times in ms (3 decimals, as toCsv writes). */
export function buildEvalCsv(result: EvalPageResult): string {
  const rows: EvalCsvRow[] = result.frames.map((f) => ({
    file: f.file,
    miou: f.miou,
    pixel_accuracy: f.pixelAccuracy,
    ms: f.ms,
    preprocess_ms: f.preprocessMs,
    inference_ms: f.inferenceMs,
    postprocess_ms: f.postprocessMs,
  }));
  return toCsv(rows, CSV_COLUMNS);
}

/** Ground-truth pixels per class (row sums of the confusion matrix). */
export function groundTruthPixels(confusion: ConfusionMatrix): number[] {
  const n = confusion.numClasses;
  return Array.from({ length: n }, (_, k) => {
    let sum = 0;
    for (let j = 0; j < n; j++) sum += confusion.counts[k * n + j] as number;
    return sum;
  });
}

/** What the terminal shows at the end of a run. */
export function formatEvalText(summary: EvalSummaryJson, result: EvalPageResult): string {
  const confusion = confusionFromResult(result);
  const iou = iouPerClass(confusion);
  const gt = groundTruthPixels(confusion);
  const scored = gt.reduce((a, b) => a + b, 0);
  const rows = result.classNames.map((name, k) => [
    name,
    fixedOrDash(iou[k] === null || iou[k] === undefined ? null : 100 * (iou[k] as number)),
    groupThousands(gt[k] as number),
    scored > 0 ? `${((100 * (gt[k] as number)) / scored).toFixed(1)}` : '—',
  ]);
  const present = iou.filter((v) => v !== null).length;
  const table = formatTable(['class', 'IoU %', 'label pixels', 'share %'], rows, ['left', 'right', 'right', 'right']);
  const seg = summary.timings_ms.segment;
  const inf = summary.timings_ms.inference;
  const threads = summary.backend === 'wasm' ? `, ${summary.threads} thread${summary.threads === 1 ? '' : 's'}` : '';
  const stabilise = summary.stabilise;
  const upsample = summary.upsample;
  const headlineVariant: MaskVariantName = `${upsample.headline}/${stabilise.headline}`;
  const variantRow = (name: MaskVariantName): string[] => {
    const [up, stab] = name.split('/') as [UpsampleMode, StabiliseChoice];
    const v = summary.variants[name];
    return [
      up === 'guided' ? 'guided' : 'NEAREST',
      `${stab}${name === headlineVariant ? ' (headline)' : ''}`,
      fixedOrDash(v.miou),
      fixedOrDash(v.boundary_iou),
      fixedOrDash(v.pixel_accuracy),
      fixedOrDash(v.flicker_rate, 3),
    ];
  };
  const variantsTable = formatTable(
    ['upsampling', 'stabilisation', 'mIoU %', 'boundary IoU %', 'pixel accuracy %', 'flicker rate %'],
    MASK_VARIANT_NAMES.map(variantRow),
    ['left', 'left', 'right', 'right', 'right', 'right'],
  );
  const lines = [
    table,
    '',
    `mIoU            ${fixedOrDash(summary.miou)} %  (mean over ${present} of ${result.classNames.length} classes present; absent classes left out)`,
    `pixel accuracy  ${fixedOrDash(summary.pixel_accuracy)} %`,
    `flicker rate    ${fixedOrDash(summary.flicker_rate, 3)} %  (of ${groupThousands(stabilise[stabilise.headline].steady_pixels)} pixel pairs whose label keeps its class from one frame to the next, file-name order: predicted class changed)`,
    `boundary IoU    ${fixedOrDash(summary.boundary_iou)} %  (mIoU over the pixels within ${upsample.boundary_radius_px} px of a label edge)`,
    `stabilisation   ${stabilise.headline}, upsampling ${upsample.headline} (--stabilise on|off and --upsample nearest|guided choose the headline; all four below)`,
    '',
    variantsTable,
    `stabilisation on = ${stabilise.rule}`,
    `     ${stabilise.scene_cuts} scene cut${stabilise.scene_cuts === 1 ? '' : 's'}; ${fixedOrDash(summary.timings_ms.stabilise.mean, 2)} ms mean, ${fixedOrDash(summary.timings_ms.stabilise.p95, 2)} ms p95 per class map (worker)`,
    `guided = ${upsample.rule}`,
    `     ${fixedOrDash(summary.timings_ms.upsample.mean, 2)} ms mean, ${fixedOrDash(summary.timings_ms.upsample.p50, 2)} ms p50, ${fixedOrDash(summary.timings_ms.upsample.p95, 2)} ms p95 per class map (worker)`,
    floatingLine(summary.floating),
    '',
    `frames          ${summary.frames}  (${groupThousands(scored)} scored pixels; void ${summary.void_id} skipped)`,
    `model           ${summary.model}${summary.contract ? '' : ' (no contract JSON: derived from the graph)'}`,
    `backend         ${summary.backend}${threads}${summary.backend !== summary.backend_requested ? ` (requested ${summary.backend_requested}: ${summary.backend_reason})` : ''}`,
    `browser         ${summary.browser}${summary.cross_origin_isolated ? '' : ' (not cross-origin isolated)'}`,
    `per frame       segment ${fixedOrDash(seg.mean, 1)} ms mean, ${fixedOrDash(seg.p95, 1)} ms p95 (inference ${fixedOrDash(inf.mean, 1)} ms mean)`,
    `elapsed         ${formatDuration(summary.elapsed_s)}  (frames ${formatDuration(summary.eval_s)}, model load ${fixedOrDash(summary.timings_ms.model_load / 1000, 1)} s)`,
  ];
  return lines.join('\n');
}

function floatingLine(f: EvalSummaryJson['floating']): string {
  if (!f.dropped) return 'floating objects kept (--floating keep): every variant is the class maps as the model gave them';
  if (!f.placed) return "floating objects not checked: the model's contract gives no class a placement (ground, onGround)";
  const plural = (n: number, word: string): string => `${groupThousands(n)} ${word}${n === 1 ? '' : 's'}`;
  return `floating objects dropped in every variant (--floating drop): ${plural(f.regions, 'region')} (${plural(f.pixels, 'class-map pixel')}) relabelled in ${plural(f.maps, 'class map')}`;
}

/**
 * JSON with 2-space indentation, but arrays of numbers on one line, so the confusion matrix reads
 * as a matrix (one ground-truth row per line).
 */
export function stringifyEvalJson(summary: EvalSummaryJson): string {
  const text = JSON.stringify(summary, null, 2);
  // Pretty-printed arrays always start with "[\n" (a string value cannot hold a raw newline).
  const numericArray = /\[\n\s*(-?[\d.eE+-]+(?:,\n\s*-?[\d.eE+-]+)*)\n\s*\]/g;
  return `${text.replace(numericArray, (_, inner: string) => `[${inner.split(/,\s*/).join(', ')}]`)}\n`;
}
