// The page behind `npm run eval` (eval.html): runs labelled frames through the app's own
// SegmentationClient (same worker, preprocessing and backend choice as the app) and scores them with
// the app's label decoding and confusion matrix, so the CLI's numbers are the app's numbers. The
// worker returns each class map in all four combinations of the app's postprocessing (temporal
// stabilisation off/on, NEAREST/guided upsampling), and all four sequences are scored (mIoU, boundary
// IoU and flicker), so one run compares them on the very same maps.
// Driven from Node (cli/eval.ts): window.dashsegEval.run(config) → EvalPageOutcome.

import { decodeLabelImage, LabelError, type DecodedLabel } from '../capture/labelDecoding.ts';
import { SegmentationClient, SegmentationClientError, errorCode } from '../inference/segmentationClient.ts';
import { modelOnlyThreadCount } from '../inference/backendChoice.ts';
import {
  accumulateConfusion,
  createConfusion,
  meanIoU,
  mergeConfusion,
  pixelAccuracy,
  type ConfusionMatrix,
} from '../processing/confusion.ts';
import { accumulateFlicker, createFlickerCounts, type FlickerCounts } from '../processing/flicker.ts';
import { modelClassCount, type ModelContract } from '../processing/modelContract.ts';
import { resizeNearestU8 } from '../processing/preprocess.ts';
import { describeStabiliser } from '../processing/temporalStabiliser.ts';
import { classPlacement, placementChecks } from '../processing/floatingObjects.ts';
import { MASK_VARIANT_NAMES, type FloatingDropped, type MaskVariantName } from '../processing/maskPostprocess.ts';
import { BOUNDARY_RADIUS_PX, labelEdgeBand } from '../processing/boundaryBand.ts';
import type { GuidedUpsampleOptions } from '../processing/guidedUpsample.ts';
import {
  EVAL_PAGE_GLOBAL,
  EVAL_PROGRESS_FUNCTION,
  type EvalFrameRequest,
  type EvalFrameResult,
  type EvalOverlay,
  type EvalPageApi,
  type EvalPageConfig,
  type EvalPageFailure,
  type EvalPageOutcome,
  type EvalProgress,
  type EvalSequenceScore,
} from './evalProtocol.ts';

function describeGuidedUpsample(o: GuidedUpsampleOptions): string {
  const side = 2 * o.radius + 1;
  return `joint bilateral: the ${side}x${side} class-map cells around the nearest, weighted by distance (sigma ${o.sigmaSpatial} cells) and colour (sigma ${o.sigmaRange} levels)${o.holdMargin > 0 ? `; with stabilisation on, a pixel near the edge keeps its class while that has ${Math.round(100 * (1 - o.holdMargin))} % of the winner's weight, unless the picture moved there` : ''}`;
}

/** An error that already knows how the CLI should report it. */
class FrameFailure extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'FrameFailure';
  }
}

function report(progress: EvalProgress): void {
  const fn = (window as unknown as Record<string, unknown>)[EVAL_PROGRESS_FUNCTION];
  // Fire and forget: exposeFunction returns a promise; the run must not wait on Node.
  if (typeof fn === 'function') void Promise.resolve(fn(progress)).catch(() => undefined);
}

async function fetchBlob(url: string, source: string): Promise<Blob> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (err) {
    throw new FrameFailure('read', `${source}: could not be read (${(err as Error).message})`);
  }
  if (!response.ok) {
    const detail = (await response.text().catch(() => '')).trim();
    throw new FrameFailure('read', `${source}: could not be read (${detail || `HTTP ${response.status}`})`);
  }
  return response.blob();
}

interface LoadedFrame {
  readonly request: EvalFrameRequest;
  readonly bitmap: ImageBitmap;
  readonly label: DecodedLabel;
}

async function decodeImage(blob: Blob, source: string): Promise<ImageBitmap> {
  try {
    // Default options, as the app's labelled-sequence source decodes its frames.
    return await createImageBitmap(blob);
  } catch (err) {
    throw new FrameFailure('image', `${source}: could not be decoded as an image (${(err as Error).message || 'unknown error'})`);
  }
}

async function loadFrame(request: EvalFrameRequest, numClasses: number, voidId: number): Promise<LoadedFrame> {
  const [imageBlob, labelBlob] = await Promise.all([
    fetchBlob(request.imageUrl, request.imageSource),
    fetchBlob(request.labelUrl, request.labelSource),
  ]);
  const bitmap = await decodeImage(imageBlob, request.imageSource);
  try {
    const label = await decodeLabelImage(labelBlob, request.labelSource, { width: bitmap.width, height: bitmap.height }, numClasses, voidId);
    return { request, bitmap, label };
  } catch (err) {
    bitmap.close();
    throw err;
  }
}

/** The frames with the lowest per-frame mIoU, kept with their ids for the report's overlays. */
interface WorstFrame {
  readonly request: EvalFrameRequest;
  readonly miou: number;
  readonly pixelAccuracy: number | null;
  readonly prediction: Uint8Array;
  readonly label: DecodedLabel;
}

function keepWorst(worst: WorstFrame[], candidate: WorstFrame, limit: number): void {
  if (limit <= 0) return;
  if (worst.length >= limit && candidate.miou >= (worst[worst.length - 1] as WorstFrame).miou) return;
  worst.push(candidate);
  worst.sort((a, b) => a.miou - b.miou);
  if (worst.length > limit) worst.pop();
}

function idsToImageData(ids: Uint8Array, width: number, height: number, colors: readonly (readonly [number, number, number])[]): ImageData {
  const image = new ImageData(width, height);
  const out = image.data;
  for (let p = 0, s = 0; p < ids.length; p++, s += 4) {
    // Void and anything without a class colour stays black.
    const color = colors[ids[p] as number];
    out[s] = color ? color[0] : 0;
    out[s + 1] = color ? color[1] : 0;
    out[s + 2] = color ? color[2] : 0;
    out[s + 3] = 255;
  }
  return image;
}

async function canvasToDataUrl(canvas: OffscreenCanvas): Promise<string> {
  const blob = await canvas.convertToBlob({ type: 'image/png' });
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as string);
    reader.onerror = () => reject(reader.error ?? new Error('FileReader failed'));
    reader.readAsDataURL(blob);
  });
}

async function renderOverlay(frame: WorstFrame, colors: readonly (readonly [number, number, number])[]): Promise<EvalOverlay> {
  const { width, height } = frame.label;
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d');
  if (!context) throw new FrameFailure('internal', 'no 2d canvas context for the report overlays');
  const bitmap = await decodeImage(await fetchBlob(frame.request.imageUrl, frame.request.imageSource), frame.request.imageSource);
  context.drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  const image = await canvasToDataUrl(canvas);
  context.putImageData(idsToImageData(frame.label.ids, width, height, colors), 0, 0);
  const groundTruth = await canvasToDataUrl(canvas);
  context.putImageData(idsToImageData(frame.prediction, width, height, colors), 0, 0);
  const prediction = await canvasToDataUrl(canvas);
  return { file: frame.request.file, miou: frame.miou, pixelAccuracy: frame.pixelAccuracy, image, groundTruth, prediction };
}

/** One sequence of predictions being scored: its totals and its previous frame (label size). */
interface SequenceScorer {
  readonly confusion: ConfusionMatrix;
  /** Over the pixels near a label edge only. */
  readonly boundary: ConfusionMatrix;
  readonly flicker: FlickerCounts;
  previous: Uint8Array | null;
}

function sequenceScore(s: SequenceScorer): EvalSequenceScore {
  return { confusion: Array.from(s.confusion.counts), flicker: { ...s.flicker }, boundaryConfusion: Array.from(s.boundary.counts) };
}

/** Scores one frame of a sequence: its confusion matrix (also added to the totals) and its flicker. */
function scoreFrame(
  sequence: SequenceScorer,
  prediction: Uint8Array,
  label: DecodedLabel,
  band: Uint8Array,
  previousLabel: DecodedLabel | null,
  voidId: number,
  source: string,
): ConfusionMatrix {
  let frameConfusion: ConfusionMatrix;
  try {
    frameConfusion = accumulateConfusion(createConfusion(sequence.confusion.numClasses), prediction, label.ids, voidId);
    accumulateConfusion(sequence.boundary, prediction, label.ids, voidId, band);
  } catch (err) {
    throw new FrameFailure('prediction', `${source}: the model's output cannot be scored: ${(err as Error).message}`);
  }
  mergeConfusion(sequence.confusion, frameConfusion);
  // Frames of another size than the one before them are not a continuation of it.
  if (sequence.previous && previousLabel && previousLabel.width === label.width && previousLabel.height === label.height) {
    accumulateFlicker(sequence.flicker, sequence.previous, prediction, previousLabel.ids, label.ids, voidId);
  }
  sequence.previous = prediction;
  return frameConfusion;
}

function failure(stage: EvalPageFailure['stage'], err: unknown, file: string | null): EvalPageOutcome {
  let code = 'internal';
  if (err instanceof FrameFailure) code = err.code;
  else if (err instanceof LabelError) code = 'label';
  else if (err instanceof SegmentationClientError) code = err.code;
  else code = errorCode(err) ?? 'internal';
  const message = err instanceof Error ? err.message : String(err);
  return { ok: false, failure: { stage, code, message, file } };
}

async function run(config: EvalPageConfig): Promise<EvalPageOutcome> {
  const notices: string[] = [];
  let client: SegmentationClient;
  try {
    client = await SegmentationClient.create(
      {
        modelUrl: config.modelUrl,
        contractUrl: config.contractUrl,
        backend: config.backend,
        ortBaseUrl: config.ortBaseUrl,
        // No video or render here: the model gets every core (the app leaves one to the page).
        wasmThreads: config.wasmThreads ?? modelOnlyThreadCount(navigator.hardwareConcurrency),
        postprocess: { stabilise: config.stabilise === 'on', upsample: config.upsample, dropFloating: config.dropFloating },
        maskVariants: true,
      },
      {
        onProgress: (p) => report({ kind: 'init', ...p }),
        onNotice: (_code, message) => {
          notices.push(message);
          report({ kind: 'notice', message });
        },
      },
    );
  } catch (err) {
    return failure('init', err, null);
  }

  try {
    const info = client.info;
    const contract: ModelContract = info.contract;
    const numClasses = modelClassCount(contract);
    const voidId = contract.voidId;
    const classColors = contract.classes.filter((c) => !c.ignore).map((c) => c.color);
    // The same class maps in the four combinations the worker returns, in file-name order (the
    // stabiliser needs them in sequence order).
    const scorer = (): SequenceScorer => ({ confusion: createConfusion(numClasses), boundary: createConfusion(numClasses), flicker: createFlickerCounts(), previous: null });
    const sequences = Object.fromEntries(MASK_VARIANT_NAMES.map((name) => [name, scorer()])) as Record<MaskVariantName, SequenceScorer>;
    const headline: MaskVariantName = `${config.upsample}/${config.stabilise}`;
    let band: Uint8Array = new Uint8Array(0);
    let sceneCuts = 0;
    let floatingDropped: FloatingDropped = { maps: 0, regions: 0, pixels: 0 };
    let previousLabel: DecodedLabel | null = null;
    const frames: EvalFrameResult[] = [];
    const worst: WorstFrame[] = [];
    const started = performance.now();

    // The next frame's files are fetched and decoded while the current one is segmented, as the
    // app's sequence source decodes ahead; errors still surface in frame order.
    const load = (i: number): Promise<LoadedFrame> | null => {
      const request = config.frames[i];
      if (!request) return null;
      const p = loadFrame(request, numClasses, voidId);
      p.catch(() => undefined); // observed when awaited in order
      return p;
    };
    let next = load(0);
    for (let i = 0; i < config.frames.length; i++) {
      const request = config.frames[i] as EvalFrameRequest;
      let frame: LoadedFrame;
      try {
        frame = await (next as Promise<LoadedFrame>);
      } catch (err) {
        return failure('frame', err, request.file);
      }
      next = load(i + 1);
      try {
        const { bitmap, label } = frame;
        const t0 = performance.now();
        const result = await client.segment(bitmap, i);
        const ms = performance.now() - t0;
        // One frame at a time here, so none waits in the worker and none can be cleared.
        if (result.kind === 'skipped') throw new Error(`frame ${i} was skipped by the worker`);
        if (!result.variants) throw new Error('the worker returned no mask variants');
        sceneCuts = result.sceneCuts;
        floatingDropped = result.floatingDropped;
        // Each mask as the app shows it (stabilised or not, upsampled NEAREST or guided), resized
        // NEAREST to the label where its size differs, as the app scores it.
        const toLabelSize = (m: { mask: Uint8Array; width: number; height: number }): Uint8Array =>
          m.width === label.width && m.height === label.height
            ? m.mask
            : resizeNearestU8(m.mask, m.width, m.height, new Uint8Array(label.width * label.height), label.width, label.height);
        band = labelEdgeBand(label.ids, label.width, label.height, BOUNDARY_RADIUS_PX, band);
        let frameConfusion: ConfusionMatrix | null = null;
        let prediction: Uint8Array = new Uint8Array(0);
        // The model's own map first: ids it should not emit are reported against it.
        for (const name of MASK_VARIANT_NAMES) {
          const predicted = toLabelSize(result.variants[name]);
          const confusion = scoreFrame(sequences[name], predicted, label, band, previousLabel, voidId, request.imageSource);
          if (name === headline) {
            frameConfusion = confusion;
            prediction = predicted;
          }
        }
        previousLabel = label;
        if (!frameConfusion) throw new Error(`no ${headline} mask`);
        const miou = meanIoU(frameConfusion);
        const accuracy = pixelAccuracy(frameConfusion);
        frames.push({
          file: request.file,
          miou,
          pixelAccuracy: accuracy,
          ms,
          preprocessMs: result.timings.preprocessMs,
          inferenceMs: result.timings.inferenceMs,
          postprocessMs: result.timings.postprocessMs,
          stabiliseMs: result.timings.stabiliseMs,
          upsampleMs: result.timings.upsampleMs,
          maskWidth: result.width,
          maskHeight: result.height,
          labelWidth: label.width,
          labelHeight: label.height,
        });
        if (miou !== null) keepWorst(worst, { request, miou, pixelAccuracy: accuracy, prediction, label }, config.worstFrames);
        report({ kind: 'frame', done: i + 1, total: config.frames.length, file: request.file, ms });
      } catch (err) {
        return failure('frame', err, request.file);
      }
    }
    const framesMs = performance.now() - started;

    const overlays: EvalOverlay[] = [];
    for (const frame of worst) {
      try {
        overlays.push(await renderOverlay(frame, classColors));
      } catch (err) {
        return failure('overlays', err, frame.request.file);
      }
      report({ kind: 'overlays', done: overlays.length, total: worst.length });
    }

    return {
      ok: true,
      result: {
        backend: info.backend,
        threads: info.threads,
        backendReason: info.reason,
        adapter: info.adapter,
        modelName: contract.name,
        classNames: [...info.classes],
        classColors,
        voidId,
        inputSize: { width: info.inputSize.width, height: info.inputSize.height },
        confusion: Array.from(sequences[headline].confusion.counts),
        stabilisation: {
          headline: config.stabilise,
          rule: describeStabiliser(info.postprocess.stabiliser),
          sceneCuts,
          off: sequenceScore(sequences[`${config.upsample}/off`]),
          on: sequenceScore(sequences[`${config.upsample}/on`]),
        },
        upsampling: {
          headline: config.upsample,
          rule: describeGuidedUpsample(info.postprocess.upsample),
          nearest: sequenceScore(sequences[`nearest/${config.stabilise}`]),
          guided: sequenceScore(sequences[`guided/${config.stabilise}`]),
        },
        variants: Object.fromEntries(MASK_VARIANT_NAMES.map((name) => [name, sequenceScore(sequences[name])])) as Record<MaskVariantName, EvalSequenceScore>,
        headlineVariant: headline,
        floating: { dropped: config.dropFloating, placed: placementChecks(classPlacement(contract)), ...floatingDropped },
        boundaryRadius: BOUNDARY_RADIUS_PX,
        frames,
        overlays,
        loadMs: info.loadMs,
        warmupMs: info.warmupMs,
        framesMs,
        userAgent: navigator.userAgent,
        crossOriginIsolated: self.crossOriginIsolated,
        notices,
      },
    };
  } finally {
    await client.dispose();
  }
}

const api: EvalPageApi = { run };
(window as unknown as Record<string, unknown>)[EVAL_PAGE_GLOBAL] = api;
const status = document.getElementById('status');
if (status) status.textContent = 'eval page ready: driven by `npm run eval`';
