// Main-thread side of the segmentation worker: starts it, falls back from WebGPU to WASM when
// WebGPU fails (at start or mid-run), restarts a worker that crashes or stops answering. Beside it
// runs the mask postprocessing worker (stabilisation and upsampling, workers/maskPostprocess.worker.ts),
// joined to it by a MessagePort: a frame's result is the segmentation worker's answer put together
// with the postprocessing worker's (PostprocessAnswers). The two start, fail and restart as one.

import * as Comlink from 'comlink';
import { FailureSignal } from './failureSignal.ts';
import { PostprocessAnswers } from './postprocessAnswers.ts';
import type { PostprocessAnswer } from '../../workers/maskPostprocessProtocol.ts';
import type {
  InitProgress,
  SegmentationErrorCode,
  SegmentationInitOptions,
  SegmentationInitResult,
  SegmentationOutcome,
  SegmentationWorkerApi,
  SegmentationWorkerOutcome,
} from '../../workers/segmentationProtocol.ts';
import type { MaskPostprocessSettings } from '../processing/maskPostprocess.ts';

export interface ClientEvents {
  onProgress?(p: InitProgress): void;
  /** A recoverable problem that the app should show (fallback, restart). */
  onNotice?(code: SegmentationErrorCode | 'worker-restarted' | 'worker-timeout', message: string): void;
}

export class SegmentationClientError extends Error {
  constructor(readonly code: SegmentationErrorCode | 'worker-crashed' | 'worker-timeout', message: string) {
    super(message);
    this.name = 'SegmentationClientError';
  }
}

/** The code of a client error, or the one the worker put in the error name (see SegmentationError). */
export function errorCode(err: unknown): SegmentationClientError['code'] | null {
  if (err instanceof SegmentationClientError) return err.code;
  const name = (err as { name?: unknown } | null)?.name;
  return typeof name === 'string' && /^[a-z-]+$/.test(name) ? (name as SegmentationErrorCode) : null;
}

interface WorkerHandle {
  readonly worker: Worker;
  readonly api: Comlink.Remote<SegmentationWorkerApi>;
  /** The mask postprocessing worker, joined to `worker` by a MessagePort. */
  readonly postprocessWorker: Worker;
  /** Its answers, matched with the segmentation worker's by frame number. */
  readonly answers: PostprocessAnswers;
  /** Fails when either worker dies (uncaught error in the worker scope); every call races against it. */
  readonly crash: FailureSignal;
}

function startWorker(): WorkerHandle {
  const worker = new Worker(new URL('../../workers/segmentation.worker.ts', import.meta.url), { type: 'module', name: 'segmentation' });
  const postprocessWorker = new Worker(new URL('../../workers/maskPostprocess.worker.ts', import.meta.url), { type: 'module', name: 'mask-postprocess' });
  const crash = new FailureSignal();
  const answers = new PostprocessAnswers();
  const onCrash = (which: string) => (e: ErrorEvent) => {
    // Handled here (the workers are restarted): not reported again as an uncaught error of the page.
    e.preventDefault();
    const err = new SegmentationClientError('worker-crashed', `${which} worker crashed: ${e.message || 'unknown error'}`);
    crash.fail(err);
    answers.failAll(err);
  };
  worker.addEventListener('error', onCrash('segmentation'));
  postprocessWorker.addEventListener('error', onCrash('mask postprocessing'));
  postprocessWorker.addEventListener('message', (e: MessageEvent<PostprocessAnswer>) => answers.deliver(e.data));
  const api = Comlink.wrap<SegmentationWorkerApi>(worker);
  const channel = new MessageChannel();
  postprocessWorker.postMessage({ port: channel.port2 }, [channel.port2]);
  void api.connectPostprocess(Comlink.transfer(channel.port1, [channel.port1])).catch(() => undefined);
  return { worker, api, postprocessWorker, answers, crash };
}

function stopWorkers(handle: WorkerHandle): void {
  handle.worker.terminate();
  handle.postprocessWorker.terminate();
  // Frames still waiting for a mask from these workers are dropped quietly ('busy', as while restarting).
  handle.answers.failAll(new SegmentationClientError('busy', 'the workers were replaced'));
}

export class SegmentationClient {
  private handle: WorkerHandle;
  private current: SegmentationInitResult;
  private options: SegmentationInitOptions;
  private fallbackReason: string | null = null;
  private restarting: Promise<void> | null = null;
  restarts = 0;

  private constructor(handle: WorkerHandle, info: SegmentationInitResult, options: SegmentationInitOptions, private readonly events: ClientEvents) {
    this.handle = handle;
    this.current = info;
    this.options = options;
  }

  static async create(options: SegmentationInitOptions, events: ClientEvents = {}): Promise<SegmentationClient> {
    const { handle, info, options: used, fallback } = await SegmentationClient.boot(options, events);
    const client = new SegmentationClient(handle, info, used, events);
    client.fallbackReason = fallback;
    return client;
  }

  private static async boot(options: SegmentationInitOptions, events: ClientEvents) {
    const handle = startWorker();
    const progress = events.onProgress ? Comlink.proxy(events.onProgress) : undefined;
    try {
      const info = await handle.crash.race(handle.api.init(options, progress));
      return { handle, info, options, fallback: null as string | null };
    } catch (err) {
      stopWorkers(handle);
      if (errorCode(err) === 'webgpu-failed' && options.backend !== 'wasm') {
        const reason = `WebGPU failed (${(err as Error).message}): fell back to WASM`;
        events.onNotice?.('webgpu-failed', reason);
        const wasm = { ...options, backend: 'wasm' as const };
        const next = startWorker();
        const info = await next.crash.race(next.api.init(wasm, progress));
        return { handle: next, info: { ...info, reason }, options: wasm, fallback: reason };
      }
      throw err;
    }
  }

  get info(): SegmentationInitResult {
    return this.fallbackReason ? { ...this.current, reason: this.fallbackReason } : this.current;
  }

  /** Per-frame timeout: generous for WebGPU on a software adapter (seconds per frame). */
  private timeoutMs(): number {
    return this.current.backend === 'webgpu' ? 120_000 : 20_000;
  }

  /** Resolves with the mask, or 'skipped' when the frame waited in the worker and was cleared there. */
  async segment(frame: ImageBitmap | VideoFrame, timestamp: number, recycled?: Uint8Array): Promise<SegmentationOutcome> {
    if (this.restarting) {
      frame.close();
      await this.restarting;
      throw new SegmentationClientError('busy', 'worker restarting');
    }
    const transfer: Transferable[] = [frame as unknown as Transferable];
    if (recycled) transfer.push(recycled.buffer);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new SegmentationClientError('worker-timeout', `segmentation worker did not answer within ${this.timeoutMs() / 1000} s`)), this.timeoutMs());
    });
    try {
      return await Promise.race([this.segmentOn(this.handle, frame, timestamp, transfer, recycled), timeout]);
    } catch (err) {
      const code = err instanceof SegmentationClientError ? err.code : errorCode(err);
      if (code === 'worker-timeout' || code === 'worker-crashed' || code === 'webgpu-failed') {
        await this.restart(code, (err as Error).message);
      }
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The segmentation worker's answer for the frame, put together with the postprocessing worker's. */
  private async segmentOn(handle: WorkerHandle, frame: ImageBitmap | VideoFrame, timestamp: number, transfer: Transferable[], recycled?: Uint8Array): Promise<SegmentationOutcome> {
    const ran = await handle.crash.race(handle.api.segment(Comlink.transfer(frame, transfer), timestamp, recycled) as Promise<SegmentationWorkerOutcome>);
    if (ran.kind === 'skipped') return ran;
    const shown = await handle.crash.race(handle.answers.expect(ran.seq));
    return {
      kind: 'mask',
      mask: shown.mask,
      width: shown.width,
      height: shown.height,
      modelMapSize: ran.modelMapSize,
      postprocess: shown.postprocess,
      ...(shown.variants ? { variants: shown.variants } : {}),
      sceneCuts: shown.sceneCuts,
      floatingDropped: shown.floatingDropped,
      timestamp: ran.timestamp,
      inputPath: ran.inputPath,
      timings: { ...ran.timings, stabiliseMs: shown.stabiliseMs, upsampleMs: shown.upsampleMs, postprocessWorkerMs: shown.postprocessWorkerMs },
    };
  }

  /** New stabilisation/upsampling settings for the frames that start after this (kept across worker restarts). */
  configure(settings: MaskPostprocessSettings): void {
    this.options = { ...this.options, postprocess: settings };
    if (this.restarting) return; // the new worker starts with them
    void this.handle.api.configure(settings).catch(() => undefined);
  }

  /** Drops the stabiliser's history in the worker (a new source, a seek). */
  resetHistory(): void {
    if (this.restarting) return; // a new worker has none
    void this.handle.api.resetHistory().catch(() => undefined);
  }

  /** Clears the frame waiting in the worker, if any (its segment() resolves 'skipped'). */
  clearWaiting(): void {
    if (this.restarting) return;
    void this.handle.api.clearWaiting().catch(() => undefined);
  }

  /** Replaces the worker; after a WebGPU failure the new one runs WASM. */
  private restart(code: 'worker-timeout' | 'worker-crashed' | 'webgpu-failed', message: string): Promise<void> {
    if (this.restarting) return this.restarting;
    this.restarting = (async () => {
      stopWorkers(this.handle);
      this.restarts++;
      const options = code === 'webgpu-failed' ? { ...this.options, backend: 'wasm' as const } : this.options;
      const { handle, info, options: used } = await SegmentationClient.boot(options, this.events);
      this.handle = handle;
      this.current = info;
      this.options = used;
      if (code === 'webgpu-failed') this.fallbackReason = `WebGPU failed mid-run (${message}): fell back to WASM`;
      this.events.onNotice?.(code === 'webgpu-failed' ? 'webgpu-failed' : 'worker-restarted', `${message}; worker restarted (${info.backend})`);
    })().finally(() => {
      this.restarting = null;
    });
    return this.restarting;
  }

  async dispose(): Promise<void> {
    try {
      await Promise.race([this.handle.api.dispose(), new Promise((r) => setTimeout(r, 1000))]);
    } finally {
      this.handle.api[Comlink.releaseProxy]();
      stopWorkers(this.handle);
    }
  }
}
