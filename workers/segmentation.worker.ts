// The segmentation worker: owns the onnxruntime-web session, turns frames into class masks.
// One frame runs at a time; a frame that arrives meanwhile waits in one slot (WorkerFrameSlot: a
// newer one replaces it, and the replaced one resolves 'skipped') and starts as soon as the running
// frame finishes, so the worker does not wait for the page to answer between frames. Frames are
// closed here and the mask buffer is transferred back.

import * as Comlink from 'comlink';
import type * as OrtTypes from 'onnxruntime-web';
import { chooseBackend, describeAdapter, type Backend } from '../src/inference/backendChoice.ts';
import { hasWebGpuApi, probeWebGpuAdapter, type GpuDeviceLike } from '../src/inference/adapterProbe.ts';
import { setUpOrtWebGpu, type OrtWebGpuSetup } from '../src/inference/webgpuDevice.ts';
import { FailureSignal } from '../src/inference/failureSignal.ts';
import { WorkerFrameSlot } from '../src/inference/workerFrameSlot.ts';
import {
  SegmentationError,
  checkSessionAgainstContract,
  defaultContractForGraph,
  fetchBytes,
  loadContract,
  sha256Hex,
} from '../src/inference/modelLoading.ts';
import { classNames, findOutput, inputSize, type ModelContract } from '../src/processing/modelContract.ts';
import { argmaxChannels, letterboxRect, rgbaToNchwFloat, APP_RESIZE_MODE } from '../src/processing/preprocess.ts';
import { FramePlanesScratch, framePlanesOf, framePlanesToNchwFloat, isFusedFormat } from '../src/processing/framePlanesToTensor.ts';
import type { InputPath } from './segmentationProtocol.ts';
import { DEFAULT_MASK_POSTPROCESS, MASK_VARIANT_NAMES, MaskPostprocessor, variantName, type MaskPostprocessSettings, type MaskVariantName, type ShownMask } from '../src/processing/maskPostprocess.ts';
import type { GuideImage } from '../src/processing/guidedUpsample.ts';

/** Stabilisation and upsampling of each class map (see maskPostprocess.ts); history kept between frames. */
let postprocessor = new MaskPostprocessor();
/** Return every combination of the settings with each mask (init option maskVariants). */
let maskVariants = false;
/** The model's class map of the running frame (kept in the worker; what is sent is the postprocessed mask). */
let modelMap = new Uint8Array(0);

/** The fused path's copy of a frame's planes and its resampling tables, kept between frames. */
let framePixels = new Uint8Array(0);
const planeScratch = new FramePlanesScratch();

const isVideoFrame = (frame: ImageBitmap | VideoFrame): frame is VideoFrame => typeof VideoFrame !== 'undefined' && frame instanceof VideoFrame;
import type {
  InitProgress,
  SegmentationInitOptions,
  SegmentationInitResult,
  SegmentationOutcome,
  SegmentationResult,
  SegmentationWorkerApi,
} from './segmentationProtocol.ts';

type Ort = typeof OrtTypes;

interface Loaded {
  readonly ort: Ort;
  readonly session: OrtTypes.InferenceSession;
  readonly contract: ModelContract;
  readonly backend: Backend;
  readonly canvas: OffscreenCanvas;
  readonly context: OffscreenCanvasRenderingContext2D;
  readonly inputData: Float32Array;
  readonly inputTensor: OrtTypes.Tensor;
  readonly outputName: string;
  readonly outputKind: 'classmap' | 'logits';
  /** The WebGPU device the session runs on (created here from the probed adapter); null on WASM. */
  readonly device: GpuDeviceLike | null;
  /** The input tensor read as a picture, to guide the upsampling. */
  readonly guide: GuideImage;
}

let loaded: Loaded | null = null;
/** A mask buffer that came with a skipped frame: used for the next result that brings none. */
let spareMask: Uint8Array | undefined;
/** Fails when the WebGPU device is lost (GPUDevice.lost resolved): a run that would never finish fails at once, and so does every later frame. */
const deviceLoss = new FailureSignal();
/** The device the current session runs on; a device destroyed by dispose() is no longer it. */
let activeDevice: GpuDeviceLike | null = null;

/**
 * Watches the device the session runs on (the one created from the probed adapter and given to ORT):
 * a lost device (driver reset, GPU unplugged, destroy()) is not recoverable here. ORT 1.30 does not
 * publish a device it was given in env.webgpu.device, so the worker watches its own reference.
 */
function watchDeviceLoss(device: GpuDeviceLike): void {
  activeDevice = device;
  void device.lost.then((info) => {
    if (activeDevice !== device) return; // destroyed on purpose by disposeLoaded()
    const why = `${info.reason ?? 'unknown'}${info.message ? `: ${info.message}` : ''}`;
    deviceLoss.fail(new SegmentationError('webgpu-failed', `the WebGPU device was lost (${why})`));
  });
}

function destroyDevice(device: GpuDeviceLike | null | undefined): void {
  if (!device) return;
  if (activeDevice === device) activeDevice = null;
  try {
    device.destroy();
  } catch {
    // already gone
  }
}

async function loadRuntime(backend: Backend): Promise<Ort> {
  try {
    // Each backend pulls only its own bundle (the WebGPU build drags a ~27 MB wasm, plain WASM ~14 MB).
    return backend === 'webgpu'
      ? ((await import('onnxruntime-web/webgpu')) as unknown as Ort)
      : ((await import('onnxruntime-web/wasm')) as unknown as Ort);
  } catch (err) {
    throw new SegmentationError('runtime-load-failed', `could not load onnxruntime-web (${backend}): ${(err as Error).message}`);
  }
}

function resolveBareContract(session: OrtTypes.InferenceSession, modelUrl: string): ModelContract {
  const input = session.inputMetadata[0];
  // A peer model may have several outputs (e.g. a class map and logits): use its 4-D float logits.
  const output = session.outputMetadata.find((o) => o.isTensor && o.shape.length === 4 && o.type === 'float32');
  if (!input?.isTensor || !output?.isTensor) {
    throw new SegmentationError('contract-mismatch', `${modelUrl}: without a contract JSON the model needs one tensor input and a 4-D float32 logits output [1, C, H, W]`);
  }
  const numeric = (shape: ReadonlyArray<number | string>, what: string): number[] =>
    shape.map((d, i) => {
      if (typeof d !== 'number' || d < 1) {
        throw new SegmentationError('contract-mismatch', `${modelUrl}: ${what} dim ${i} is symbolic (${String(d)}); give a contract JSON`);
      }
      return d;
    });
  const inputShape = numeric(input.shape, `input "${input.name}"`);
  const outputShape = numeric(output.shape, `output "${output.name}"`);
  const name = modelUrl.split('/').pop()?.replace(/\.onnx$/, '') ?? 'model';
  try {
    return defaultContractForGraph({ inputName: input.name, inputShape, outputName: output.name, outputShape, name, onnx: `${name}.onnx` });
  } catch (err) {
    throw new SegmentationError('contract-mismatch', (err as Error).message);
  }
}

async function init(
  options: SegmentationInitOptions,
  onProgress?: (p: InitProgress) => void,
): Promise<SegmentationInitResult> {
  if (loaded) throw new SegmentationError('busy', 'worker already initialised; dispose() first');
  const started = performance.now();
  const progress = (p: InitProgress): void => void onProgress?.(p);

  progress({ stage: 'probe-adapter' });
  // The adapter probed here is the one the HUD names and the one the model's device is created from.
  const probed = options.backend === 'wasm' ? null : await probeWebGpuAdapter();
  const adapter = probed?.summary ?? null;
  const decision = chooseBackend(options.backend, adapter, {
    crossOriginIsolated: self.crossOriginIsolated,
    hardwareConcurrency: navigator.hardwareConcurrency,
    hasWebGpuApi: hasWebGpuApi(),
  });

  progress({ stage: 'load-runtime' });
  const ort = await loadRuntime(decision.backend);
  ort.env.wasm.wasmPaths = options.ortBaseUrl;
  ort.env.wasm.numThreads = decision.backend === 'wasm' ? (options.wasmThreads ?? decision.threads) : 1;
  ort.env.logLevel = 'error';

  progress({ stage: 'download-model', loaded: 0 });
  const [bytes, declared] = await Promise.all([
    fetchBytes(options.modelUrl, (l, t) => progress({ stage: 'download-model', loaded: l, ...(t ? { total: t } : {}) })),
    options.contractUrl ? loadContract(options.contractUrl, options.contractOptional ?? false) : Promise.resolve(null),
  ]);
  if (declared?.sha256) {
    const digest = await sha256Hex(bytes);
    if (digest !== declared.sha256) {
      throw new SegmentationError('model-corrupt',
        `${options.modelUrl}: sha256 ${digest.slice(0, 12)}… does not match its contract (${declared.sha256.slice(0, 12)}…): the file is corrupt or not the model the contract describes`);
    }
  }

  progress({ stage: 'create-session' });
  let webgpu: OrtWebGpuSetup | null = null;
  if (decision.backend === 'webgpu') {
    try {
      if (!probed) throw new Error('no probed adapter');
      webgpu = await setUpOrtWebGpu(probed, ort.env.webgpu);
    } catch (err) {
      throw new SegmentationError('webgpu-failed', `could not create a WebGPU device on ${adapter ? describeAdapter(adapter) : 'the adapter'}: ${(err as Error).message}`);
    }
  }
  let session: OrtTypes.InferenceSession;
  try {
    const contractOutput = declared ? (findOutput(declared, 'classmap') ?? findOutput(declared, 'logits')) : undefined;
    session = await ort.InferenceSession.create(bytes, {
      // WebGPU runs on the device created from the probed adapter, not on one ORT would pick itself.
      executionProviders: [webgpu ? (webgpu.executionProvider as unknown as OrtTypes.InferenceSession.WebGpuExecutionProviderOption) : decision.backend],
      graphOptimizationLevel: 'all',
      // ORT's thread pool spin-waits between runs by default; on a 2-core laptop that steals the
      // cores from frame preprocessing and the render thread, so idle threads sleep instead.
      ...(options.spinWait ? {} : { extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } } }),
      ...(decision.backend === 'webgpu' && contractOutput ? { preferredOutputLocation: { [contractOutput.name]: 'gpu-buffer' as const } } : {}),
    });
  } catch (err) {
    destroyDevice(webgpu?.device);
    const code = decision.backend === 'webgpu' ? 'webgpu-failed' : 'model-corrupt';
    throw new SegmentationError(code, `${options.modelUrl}: could not create an onnxruntime session on ${decision.backend}: ${(err as Error).message}`);
  }
  if (webgpu) watchDeviceLoss(webgpu.device);
  let contract: ModelContract;
  try {
    contract = declared ?? resolveBareContract(session, options.modelUrl);
    checkSessionAgainstContract(session, contract, options.modelUrl);
  } catch (err) {
    await session.release();
    destroyDevice(webgpu?.device);
    throw err;
  }
  const classmap = findOutput(contract, 'classmap');
  const logits = findOutput(contract, 'logits');
  const output = classmap ?? logits;
  if (!output) throw new SegmentationError('contract-mismatch', `${options.modelUrl}: no usable output`);
  const { height, width } = inputSize(contract);
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d', { willReadFrequently: true, alpha: false });
  if (!context) throw new SegmentationError('session-failed', 'OffscreenCanvas 2d context unavailable in this worker');
  const inputData = new Float32Array(3 * height * width);
  const inputTensor = new ort.Tensor('float32', inputData, [1, 3, height, width]);
  const norm = contract.input;
  const guide: GuideImage = {
    planes: inputData,
    width,
    height,
    scale: [norm.std[0] * norm.scale, norm.std[1] * norm.scale, norm.std[2] * norm.scale],
  };
  loaded = {
    ort, session, contract, backend: decision.backend, canvas, context, inputData, inputTensor,
    outputName: output.name, outputKind: output.kind, device: webgpu?.device ?? null, guide,
  };
  postprocessor = new MaskPostprocessor(options.postprocess ?? DEFAULT_MASK_POSTPROCESS);
  maskVariants = options.maskVariants ?? false;
  const loadMs = performance.now() - started;

  progress({ stage: 'warm-up' });
  const warmStart = performance.now();
  try {
    const warm = await session.run({ [contract.input.name]: inputTensor }, [output.name]);
    for (const t of Object.values(warm)) t.dispose();
  } catch (err) {
    await disposeLoaded();
    const code = decision.backend === 'webgpu' ? 'webgpu-failed' : 'session-failed';
    throw new SegmentationError(code, `${options.modelUrl}: warm-up inference failed on ${decision.backend}: ${(err as Error).message}`);
  }
  return {
    backend: decision.backend,
    threads: decision.backend === 'wasm' ? ort.env.wasm.numThreads ?? decision.threads : 0,
    reason: decision.reason,
    adapter: adapter ? describeAdapter(adapter) : null,
    contract,
    inputSize: { height, width },
    classes: classNames(contract),
    loadMs,
    warmupMs: performance.now() - warmStart,
    postprocess: { stabiliser: postprocessor.stabiliserOptions, upsample: postprocessor.upsampleOptions },
  };
}

function toMask(data: ArrayLike<number | bigint>, length: number): Uint8Array {
  if (modelMap.length !== length) modelMap = new Uint8Array(length);
  const mask = modelMap;
  if (data instanceof Uint8Array) {
    mask.set(data.subarray(0, length));
  } else if (data instanceof BigInt64Array) {
    for (let i = 0; i < length; i++) mask[i] = Number(data[i]);
  } else {
    for (let i = 0; i < length; i++) mask[i] = data[i] as number;
  }
  return mask;
}

interface FrameRequest {
  readonly frame: ImageBitmap | VideoFrame;
  readonly timestamp: number;
  readonly recycled: Uint8Array | undefined;
}

/** Tasks of their own for the slot (see WorkerFrameSlotHandlers.nextTask). */
const taskChannel = new MessageChannel();
const tasks: (() => void)[] = [];
taskChannel.port1.onmessage = () => tasks.shift()?.();

const slot = new WorkerFrameSlot<FrameRequest, SegmentationOutcome>({
  run: (r) => runFrame(r.frame, r.timestamp, r.recycled),
  skip: (r) => {
    r.frame.close();
    if (r.recycled && !spareMask) spareMask = r.recycled;
    return { kind: 'skipped', timestamp: r.timestamp };
  },
  nextTask: (fn) => {
    tasks.push(fn);
    taskChannel.port2.postMessage(null);
  },
});

function segment(frame: ImageBitmap | VideoFrame, timestamp: number, recycled?: Uint8Array): Promise<SegmentationOutcome> {
  return slot.submit({ frame, timestamp, recycled });
}

async function clearWaiting(): Promise<void> {
  slot.clear();
}

async function runFrame(frame: ImageBitmap | VideoFrame, timestamp: number, recycled: Uint8Array | undefined): Promise<SegmentationOutcome> {
  const t0 = performance.now();
  try {
    if (!loaded) throw new SegmentationError('not-initialised', 'segment() before init()');
    if (deviceLoss.failure) throw deviceLoss.failure;
    const l = loaded;
    if (!recycled && spareMask) {
      recycled = spareMask;
      spareMask = undefined;
    }
    const { width, height } = l.canvas;
    let inputPath: InputPath;
    if (isVideoFrame(frame) && isFusedFormat(frame.format) && APP_RESIZE_MODE === 'stretch') {
      // The fused path: the frame's own planes (copyTo, no conversion), then colour, resize and
      // normalisation in one pass into the input tensor; buffers kept between frames.
      try {
        const size = frame.allocationSize();
        if (framePixels.length < size) framePixels = new Uint8Array(size);
        const planes = await frame.copyTo(framePixels);
        framePlanesToNchwFloat(framePixels, framePlanesOf(frame, planes), { width, height, norm: l.contract.input }, l.inputData, planeScratch);
      } finally {
        frame.close();
      }
      inputPath = `fused ${frame.format ?? ''}`.trim();
    } else {
      // The general path: any ImageBitmap or VideoFrame, drawn (resized) into a canvas and read back.
      const srcW = 'displayWidth' in frame ? frame.displayWidth : frame.width;
      const srcH = 'displayHeight' in frame ? frame.displayHeight : frame.height;
      inputPath = isVideoFrame(frame) ? `canvas (VideoFrame format ${frame.format ?? 'opaque'})` : 'canvas';
      const rect = letterboxRect(srcW, srcH, width, height, APP_RESIZE_MODE);
      if (APP_RESIZE_MODE !== 'stretch') l.context.fillRect(0, 0, width, height);
      l.context.drawImage(frame, rect.x, rect.y, rect.width, rect.height);
      frame.close();
      const pixels = l.context.getImageData(0, 0, width, height).data;
      rgbaToNchwFloat(pixels, width, height, l.contract.input, l.inputData);
    }
    const t1 = performance.now();

    let outputs: OrtTypes.InferenceSession.ReturnType;
    try {
      const run = l.session.run({ [l.contract.input.name]: l.inputTensor }, [l.outputName]);
      outputs = l.backend === 'webgpu' ? await deviceLoss.race(run) : await run;
    } catch (err) {
      if (err instanceof SegmentationError) throw err;
      if (deviceLoss.failure) throw deviceLoss.failure; // the run failed because the device went
      throw new SegmentationError(l.backend === 'webgpu' ? 'webgpu-failed' : 'inference-failed', `inference failed on ${l.backend}: ${(err as Error).message}`);
    }
    const t2 = performance.now();
    const tensor = outputs[l.outputName];
    if (!tensor) throw new SegmentationError('inference-failed', `model returned no "${l.outputName}" output`);
    try {
      // On WebGPU the output stays on the GPU until here; only the small class map is downloaded.
      let data: ArrayLike<number | bigint>;
      try {
        data = (tensor.location === 'cpu' ? tensor.data : await deviceLoss.race(tensor.getData())) as ArrayLike<number | bigint>;
      } catch (err) {
        if (err instanceof SegmentationError) throw err;
        throw new SegmentationError('webgpu-failed', `reading the class map from the GPU failed: ${(err as Error).message}`);
      }
      let mask: Uint8Array;
      let maskW: number;
      let maskH: number;
      if (l.outputKind === 'classmap') {
        maskH = tensor.dims[tensor.dims.length - 2] as number;
        maskW = tensor.dims[tensor.dims.length - 1] as number;
        mask = toMask(data, maskW * maskH);
      } else {
        const [, c, h, w] = tensor.dims as [number, number, number, number];
        maskH = h;
        maskW = w;
        if (modelMap.length !== h * w) modelMap = new Uint8Array(h * w);
        mask = modelMap;
        argmaxChannels(data as Float32Array, c, h, w, mask);
      }
      const t3 = performance.now();
      // The class map as the user sees it: stabilised, upsampled (guided by this frame's input tensor).
      const variants = maskVariants ? postprocessor.variants(mask, maskW, maskH, l.guide) : null;
      const shown = variants
        ? { ...variants[variantName(postprocessor.settings)], stabiliseMs: variants.stabiliseMs, upsampleMs: variants.upsampleMs }
        : postprocessor.process(mask, maskW, maskH, l.guide, recycled);
      const t4 = performance.now();
      const result: SegmentationResult = {
        kind: 'mask',
        mask: shown.mask,
        width: shown.width,
        height: shown.height,
        modelMapSize: { width: maskW, height: maskH },
        postprocess: postprocessor.settings,
        sceneCuts: postprocessor.sceneCuts,
        ...(variants ? { variants: Object.fromEntries(MASK_VARIANT_NAMES.map((name) => [name, variants[name]])) as Record<MaskVariantName, ShownMask> } : {}),
        timestamp,
        inputPath,
        timings: {
          preprocessMs: t1 - t0,
          inferenceMs: t2 - t1,
          postprocessMs: t3 - t2,
          stabiliseMs: shown.stabiliseMs,
          upsampleMs: shown.upsampleMs,
          workerMs: t4 - t0,
        },
      };
      // The shown mask is one of the variants when there are any (each in its own buffer).
      const buffers = variants ? MASK_VARIANT_NAMES.map((name) => variants[name].mask.buffer) : [shown.mask.buffer];
      return Comlink.transfer(result, buffers as ArrayBuffer[]);
    } finally {
      tensor.dispose();
    }
  } finally {
    try {
      frame.close();
    } catch {
      // already closed
    }
  }
}

async function disposeLoaded(): Promise<void> {
  await clearWaiting();
  const l = loaded;
  loaded = null;
  if (l) {
    l.inputTensor.dispose();
    await l.session.release();
    destroyDevice(l.device);
  }
}

async function configure(settings: MaskPostprocessSettings): Promise<void> {
  postprocessor.configure(settings);
}

async function resetHistory(): Promise<void> {
  postprocessor.reset();
}

const api: SegmentationWorkerApi = { init, segment, clearWaiting, configure, resetHistory, dispose: disposeLoaded };
Comlink.expose(api);
