// The segmentation worker: owns the onnxruntime-web session, turns frames into class masks.
// One frame runs at a time; a frame that arrives meanwhile waits in one slot (WorkerFrameSlot: a
// newer one replaces it, and the replaced one resolves 'skipped') and starts as soon as the running
// frame finishes, so the worker does not wait for the page to answer between frames. Frames are
// closed here. Each class map goes, with the input tensor's planes that guide its upsampling, to the
// mask postprocessing worker (maskPostprocess.worker.ts), which answers the page with the mask to show
// while this worker already runs the next frame; the planes and the map come back to be filled again.

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
import { DEFAULT_MASK_POSTPROCESS, type MaskPostprocessSettings } from '../src/processing/maskPostprocess.ts';
import { classPlacement } from '../src/processing/floatingObjects.ts';
import { DEFAULT_STABILISER_OPTIONS } from '../src/processing/temporalStabiliser.ts';
import { DEFAULT_GUIDED_UPSAMPLE, type GuideImage } from '../src/processing/guidedUpsample.ts';
import { BufferPool } from '../src/inference/bufferPool.ts';
import type { PostprocessRequest, PostprocessReturn } from './maskPostprocessProtocol.ts';

/** The port to the mask postprocessing worker (connectPostprocess). */
let postprocessPort: MessagePort | null = null;
/** Input tensors' planes and class maps, back from the postprocessing worker to be filled again. */
const inputPlanes = new BufferPool<Float32Array>((n) => new Float32Array(n));
const classMaps = new BufferPool<Uint8Array>((n) => new Uint8Array(n));
/** The number of the next frame handed to the postprocessing worker. */
let nextSeq = 1;

/** The fused path's copy of a frame's planes and its resampling tables, kept between frames. */
let framePixels = new Uint8Array(0);
const planeScratch = new FramePlanesScratch();

const isVideoFrame = (frame: ImageBitmap | VideoFrame): frame is VideoFrame => typeof VideoFrame !== 'undefined' && frame instanceof VideoFrame;
import type {
  InitProgress,
  SegmentationInitOptions,
  SegmentationInitResult,
  SegmentationHandedOff,
  SegmentationWorkerOutcome,
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
  /** The input tensor's dims, [1, 3, height, width]. */
  readonly inputDims: readonly number[];
  readonly outputName: string;
  readonly outputKind: 'classmap' | 'logits';
  /** The WebGPU device the session runs on (created here from the probed adapter); null on WASM. */
  readonly device: GpuDeviceLike | null;
  /** How the input tensor's values read as 0-255 levels, to guide the upsampling. */
  readonly guideScale: GuideImage['scale'];
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
  const norm = contract.input;
  const inputDims = [1, 3, height, width];
  loaded = {
    ort, session, contract, backend: decision.backend, canvas, context, inputDims,
    outputName: output.name, outputKind: output.kind, device: webgpu?.device ?? null,
    guideScale: [norm.std[0] * norm.scale, norm.std[1] * norm.scale, norm.std[2] * norm.scale],
  };
  sendToPostprocess({ type: 'start', settings: options.postprocess ?? DEFAULT_MASK_POSTPROCESS, maskVariants: options.maskVariants ?? false, placement: classPlacement(contract) });
  const loadMs = performance.now() - started;

  progress({ stage: 'warm-up' });
  const warmStart = performance.now();
  try {
    const planes = inputPlanes.take(3 * height * width);
    const warm = await session.run({ [contract.input.name]: new ort.Tensor('float32', planes, inputDims) }, [output.name]);
    inputPlanes.give(planes);
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
    postprocess: { stabiliser: DEFAULT_STABILISER_OPTIONS, upsample: DEFAULT_GUIDED_UPSAMPLE },
  };
}

function sendToPostprocess(request: PostprocessRequest, transfer: Transferable[] = []): void {
  if (!postprocessPort) throw new SegmentationError('not-initialised', 'no mask postprocessing worker connected (connectPostprocess)');
  postprocessPort.postMessage(request, transfer);
}

async function connectPostprocess(port: MessagePort): Promise<void> {
  postprocessPort?.close();
  postprocessPort = port;
  port.onmessage = (e: MessageEvent<PostprocessReturn>) => {
    inputPlanes.give(e.data.planes);
    classMaps.give(e.data.map);
  };
}

function toMask(data: ArrayLike<number | bigint>, length: number): Uint8Array {
  const mask = classMaps.take(length);
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

const slot = new WorkerFrameSlot<FrameRequest, SegmentationWorkerOutcome>({
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

function segment(frame: ImageBitmap | VideoFrame, timestamp: number, recycled?: Uint8Array): Promise<SegmentationWorkerOutcome> {
  return slot.submit({ frame, timestamp, recycled });
}

async function clearWaiting(): Promise<void> {
  slot.clear();
}

async function runFrame(frame: ImageBitmap | VideoFrame, timestamp: number, recycled: Uint8Array | undefined): Promise<SegmentationHandedOff> {
  const t0 = performance.now();
  let planes: Float32Array | null = null;
  try {
    if (!loaded) throw new SegmentationError('not-initialised', 'segment() before init()');
    if (deviceLoss.failure) throw deviceLoss.failure;
    const l = loaded;
    if (!recycled && spareMask) {
      recycled = spareMask;
      spareMask = undefined;
    }
    const { width, height } = l.canvas;
    // This frame's input tensor: planes of its own, so the previous frame's can still guide its
    // upsampling in the postprocessing worker while this one runs.
    const input = inputPlanes.take(3 * width * height);
    planes = input;
    let inputPath: InputPath;
    if (isVideoFrame(frame) && isFusedFormat(frame.format) && APP_RESIZE_MODE === 'stretch') {
      // The fused path: the frame's own planes (copyTo, no conversion), then colour, resize and
      // normalisation in one pass into the input tensor; buffers kept between frames.
      try {
        const size = frame.allocationSize();
        if (framePixels.length < size) framePixels = new Uint8Array(size);
        const layout = await frame.copyTo(framePixels);
        framePlanesToNchwFloat(framePixels, framePlanesOf(frame, layout), { width, height, norm: l.contract.input }, input, planeScratch);
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
      rgbaToNchwFloat(pixels, width, height, l.contract.input, input);
    }
    const t1 = performance.now();

    let outputs: OrtTypes.InferenceSession.ReturnType;
    try {
      const run = l.session.run({ [l.contract.input.name]: new l.ort.Tensor('float32', input, l.inputDims) }, [l.outputName]);
      outputs = l.backend === 'webgpu' ? await deviceLoss.race(run) : await run;
    } catch (err) {
      if (err instanceof SegmentationError) throw err;
      if (deviceLoss.failure) throw deviceLoss.failure; // the run failed because the device went
      throw new SegmentationError(l.backend === 'webgpu' ? 'webgpu-failed' : 'inference-failed', `inference failed on ${l.backend}: ${(err as Error).message}`);
    }
    const t2 = performance.now();
    const tensor = outputs[l.outputName];
    if (!tensor) throw new SegmentationError('inference-failed', `model returned no "${l.outputName}" output`);
    let map: Uint8Array;
    let mapW: number;
    let mapH: number;
    try {
      // On WebGPU the output stays on the GPU until here; only the small class map is downloaded.
      let data: ArrayLike<number | bigint>;
      try {
        data = (tensor.location === 'cpu' ? tensor.data : await deviceLoss.race(tensor.getData())) as ArrayLike<number | bigint>;
      } catch (err) {
        if (err instanceof SegmentationError) throw err;
        throw new SegmentationError('webgpu-failed', `reading the class map from the GPU failed: ${(err as Error).message}`);
      }
      if (l.outputKind === 'classmap') {
        mapH = tensor.dims[tensor.dims.length - 2] as number;
        mapW = tensor.dims[tensor.dims.length - 1] as number;
        map = toMask(data, mapW * mapH);
      } else {
        const [, c, h, w] = tensor.dims as [number, number, number, number];
        mapH = h;
        mapW = w;
        map = classMaps.take(h * w);
        argmaxChannels(data as Float32Array, c, h, w, map);
      }
    } finally {
      tensor.dispose();
    }
    // The class map and the frame that guides its upsampling go to the postprocessing worker, which
    // answers the page with the mask to show (stabilised, upsampled) while the next frame runs here.
    const seq = nextSeq++;
    const transfer: Transferable[] = [map.buffer as ArrayBuffer, input.buffer as ArrayBuffer];
    if (recycled) transfer.push(recycled.buffer as ArrayBuffer);
    sendToPostprocess({ type: 'map', seq, map, mapW, mapH, guide: { planes: input, width, height, scale: l.guideScale }, ...(recycled ? { recycled } : {}) }, transfer);
    planes = null;
    const t3 = performance.now();
    return {
      kind: 'handed-off',
      seq,
      modelMapSize: { width: mapW, height: mapH },
      timestamp,
      inputPath,
      timings: { preprocessMs: t1 - t0, inferenceMs: t2 - t1, postprocessMs: t3 - t2, workerMs: t3 - t0 },
    };
  } finally {
    if (planes) inputPlanes.give(planes);
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
    await l.session.release();
    destroyDevice(l.device);
  }
}

async function configure(settings: MaskPostprocessSettings): Promise<void> {
  sendToPostprocess({ type: 'configure', settings });
}

async function resetHistory(): Promise<void> {
  sendToPostprocess({ type: 'reset' });
}

const api: SegmentationWorkerApi = { connectPostprocess, init, segment, clearWaiting, configure, resetHistory, dispose: disposeLoaded };
Comlink.expose(api);
