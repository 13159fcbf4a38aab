// The dashseg app: wires a capture source → segmentation worker → three.js overlay, with the HUD,
// the log recorder and the automation API (window.dashseg).

import { AppShell } from './ui/appShell.ts';
import { LiveStats } from './ui/liveStats.ts';
import { downloadText } from './ui/logRecorder.ts';
import { FrameLog, type ShownExtra } from './app/frameLog.ts';
import { MaskPresenter } from './app/maskPresenter.ts';
import { LogStore } from './ui/logStore.ts';
import { formatHud } from './ui/hudText.ts';
import { parseAppOptions, contractUrlFor, DEFAULT_VIDEO_URL, MODEL_CHOICES, UrlOptionsError, type AppOptions } from './ui/urlOptions.ts';
import { OverlayRenderer } from './render/overlayRenderer.ts';
import { SegmentationClient, errorCode } from './inference/segmentationClient.ts';
import { SegmentationPipeline, type SegmentedFrame } from './app/segmentationPipeline.ts';
import { SourceError, type CapturedFrame, type FrameSource, type GroundTruth } from './capture/frameSource.ts';
import { VideoFileSource } from './capture/videoFileSource.ts';
import { WebcamSource } from './capture/webcamSource.ts';
import { LabelledSequenceSource, loadSequenceManifest, sequenceFromFiles, type SequenceManifest } from './capture/labelledSequenceSource.ts';
import { buildLegend, buildPalette, PALETTE_SIZE } from './processing/palette.ts';
import { GROUP_IDS, type GroupId, type ModelContract } from './processing/modelContract.ts';
import { resizeNearestU8 } from './processing/preprocess.ts';
import type { SegmentationResult } from '../workers/segmentationProtocol.ts';
import type { MaskPostprocessSettings } from './processing/maskPostprocess.ts';
import { MessageBoard, type AppErrorCode, type AppMessage } from './app/appMessages.ts';
import type { DashsegAutomation, DashsegStats, ModelOnlyRate, ModelReload } from './app/automationApi.ts';
import { measureModelOnlyRate } from './app/modelOnlyRate.ts';
import { exportSegmentedVideo, ExportError, type ExportedVideo, type ExportRequest } from './app/videoExporter.ts';

/** Seconds the toolbar's Export video button records. */
const EXPORT_BUTTON_SECONDS = 10;
import { hudModelOf, statsOf, type AppSnapshot } from './app/statusReport.ts';

export class DashsegApp {
  private readonly shell: AppShell;
  private renderer: OverlayRenderer | null = null;
  private client: SegmentationClient | null = null;
  private contract: ModelContract | null = null;
  private stats: LiveStats | null = null;
  /** Frame offered → mask, for the model loaded now (null while none is). */
  private pipeline: SegmentationPipeline | null = null;
  private source: FrameSource | null = null;
  private sourceEnded = false;
  private readonly log = new FrameLog();
  /** How the worker makes the mask shown from the model's class map (stabilisation, upsampling). */
  private postprocess: MaskPostprocessSettings;
  /** Mask on screen (null without WebGL). */
  private presenter: MaskPresenter<ShownExtra> | null = null;
  private options: AppOptions;
  /** The message that stands now, and every message of the page. */
  private readonly messages = new MessageBoard();
  private readonly visibleGroups = new Set<GroupId>(GROUP_IDS);
  private dimOthers = true;
  private readonly palette = new Uint8Array(PALETTE_SIZE * 4);
  private labelScratch = new Uint8Array(0);
  /** The source whose frame-format fallback was already noted (see noteInputPath). */
  private inputPathNoticed: FrameSource | null = null;
  private lastHudUpdate = 0;
  private status = 'starting';
  /** WASM thread override (reloadModel({threads})); undefined = automatic. */
  private wasmThreads: number | undefined;
  /** ORT thread-pool spin-waiting (reloadModel({spinWait})); off unless the bench measures it. */
  private spinWait = false;
  private reloading: Promise<void> = Promise.resolve();
  private hiddenSince: number | null = null;

  constructor(root: HTMLElement, search: string) {
    this.shell = new AppShell(root, {
      onSample: () => void this.openSource(() => new VideoFileSource(DEFAULT_VIDEO_URL)),
      onWebcam: () => void this.openSource(() => new WebcamSource()),
      onVideoFile: (file) => void this.openSource(() => new VideoFileSource(file)),
      onFolder: (files) => void this.openSource(() => this.sequenceSource(sequenceFromFiles(files))),
      onOpacity: (v) => this.renderer?.setOpacity(v),
      onGroupToggle: (group, visible) => {
        if (visible) this.visibleGroups.add(group);
        else this.visibleGroups.delete(group);
        this.updatePalette();
      },
      onDimOthers: (dim) => {
        this.dimOthers = dim;
        this.updatePalette();
      },
      onSynced: (synced) => this.setSynced(synced),
      onStabilise: (stabilise) => this.setPostprocess({ ...this.postprocess, stabilise }),
      onGuidedEdges: (guided) => this.setPostprocess({ ...this.postprocess, upsample: guided ? 'guided' : 'nearest' }),
      onRecord: () => this.toggleRecording(),
      onDownloadCsv: () => downloadText(this.log.csv(), `dashseg-log-${stamp()}.csv`, 'text/csv'),
      onDownloadJson: () => downloadText(this.log.json(this.summaryContext()), `dashseg-log-${stamp()}.json`, 'application/json'),
      onExportVideo: () => void this.exportVideo({ seconds: EXPORT_BUTTON_SECONDS }).then(
        (v) => downloadText(v.bytes, `dashseg-${stamp()}.${v.mimeType.includes('mp4') ? 'mp4' : 'webm'}`, v.mimeType),
        () => undefined, // the message is shown by exportVideo
      ),
      onModel: (url) => {
        // A model switch reloads the page with ?model= (the recorded log is kept in IndexedDB).
        const params = new URLSearchParams(location.search);
        params.set('model', url);
        location.search = params.toString();
      },
    }, MODEL_CHOICES, DashsegApp.modelFromSearch(search));
    try {
      this.options = parseAppOptions(search);
    } catch (err) {
      this.options = parseAppOptions('');
      this.fail(err instanceof UrlOptionsError ? 'bad-url-option' : 'startup', (err as Error).message);
    }
    this.shell.syncedToggle.checked = this.options.synced;
    this.postprocess = { stabilise: this.options.stabilise, upsample: this.options.upsample };
    this.shell.stabiliseToggle.checked = this.options.stabilise;
    this.shell.guidedEdgesToggle.checked = this.options.upsample === 'guided';
  }

  private static modelFromSearch(search: string): string {
    try {
      return parseAppOptions(search).model;
    } catch {
      return MODEL_CHOICES[0]?.url ?? '';
    }
  }

  async start(): Promise<void> {
    try {
      this.renderer = new OverlayRenderer(this.shell.stage, this.shell.canvas, this.palette);
      this.presenter = new MaskPresenter<ShownExtra>(this.renderer);
      this.presenter.setSynced(this.options.synced);
    } catch (err) {
      this.fail('webgl-unavailable', `WebGL2 is not available, so the overlay cannot be drawn: ${(err as Error).message}`);
    }
    document.addEventListener('visibilitychange', () => this.onVisibility());
    requestAnimationFrame((t) => this.onAnimationFrame(t));
    const restored = await this.log.recorder.attachStore(await LogStore.open(), (code, message) => this.notice(code, message));
    if (this.options.record) this.log.recorder.start();
    else if (restored.restoredRows > 0) {
      // A recording from before a reload or crash: keep it exportable, and keep recording if it was.
      if (restored.wasRecording) this.log.recorder.resume();
      this.notice('log-restored', `restored ${restored.restoredRows} recorded log rows from before the page was reloaded${restored.wasRecording ? '; recording continues' : ''}`);
    }
    this.syncRecordButton();
    await this.loadModel();
    const o = this.options;
    if (o.camera) await this.openSource(() => new WebcamSource());
    else if (o.seq) {
      const seqUrl = o.seq;
      await this.openSource(async () => this.sequenceSource(await loadSequenceManifest(seqUrl)));
    } else await this.openSource(() => new VideoFileSource(o.src ?? DEFAULT_VIDEO_URL));
  }

  private async loadModel(): Promise<void> {
    const modelUrl = this.options.model;
    this.status = `loading model ${modelUrl}`;
    try {
      this.client = await SegmentationClient.create(
        {
          modelUrl,
          contractUrl: contractUrlFor(modelUrl),
          contractOptional: true,
          backend: this.options.backend,
          ortBaseUrl: '/ort/',
          ...(this.wasmThreads !== undefined ? { wasmThreads: this.wasmThreads } : {}),
          ...(this.spinWait ? { spinWait: true } : {}),
          postprocess: this.postprocess,
        },
        {
          onProgress: (p) => {
            this.status = p.stage === 'download-model' && p.total ? `downloading model ${Math.round((100 * (p.loaded ?? 0)) / p.total)} %` : p.stage;
          },
          onNotice: (code, message) => this.notice(code, message),
        },
      );
    } catch (err) {
      this.fail(errorCode(err) ?? 'model-failed', `model ${modelUrl} could not be loaded: ${(err as Error).message}`);
      this.status = 'no model: video only';
      return;
    }
    const info = this.client.info;
    this.contract = info.contract;
    this.stats = new LiveStats(info.classes, info.contract.voidId);
    this.pipeline = new SegmentationPipeline(this.client, {
      onResult: (frame, work) => this.onResult(frame, work),
      onError: (err, frame) => this.onSegmentError(err, frame),
    }, { withSnapshot: () => this.presenter?.synced ?? false });
    this.pipeline.setSource(this.source);
    this.updatePalette();
    this.shell.setLegend(buildLegend(info.contract), this.visibleGroups);
    this.status = 'running';
    if (info.reason.includes('fell back')) this.notice('webgpu-fallback', info.reason);
  }

  /**
   * Swaps the model (a new worker and session) while the source keeps playing: the bench CLI
   * alternates models in one page. Waits for the frame in flight, so the old worker is never
   * disposed mid-inference. Resolves when the new model runs, or failed (stats().ready false, lastError).
   */
  reloadModel(change: ModelReload): Promise<void> {
    if (change.threads !== undefined && change.threads !== null && !(Number.isInteger(change.threads) && change.threads >= 1)) {
      return Promise.reject(new RangeError(`threads must be a positive integer or null, got ${String(change.threads)}`));
    }
    const next = this.reloading.then(async () => {
      const oldPipeline = this.pipeline;
      const oldClient = this.client;
      this.pipeline = null; // onFrame drops frames until the new model runs
      oldPipeline?.retire(); // its late results are released, not shown
      await oldPipeline?.drain();
      this.client = null;
      this.stats = null;
      this.contract = null;
      this.presenter?.reset();
      await oldClient?.dispose();
      this.options = {
        ...this.options,
        ...(change.model !== undefined ? { model: change.model } : {}),
        ...(change.backend !== undefined ? { backend: change.backend } : {}),
      };
      if (change.threads !== undefined) this.wasmThreads = change.threads ?? undefined;
      if (change.spinWait !== undefined) this.spinWait = change.spinWait;
      if (change.postprocess !== undefined) {
        this.postprocess = change.postprocess;
        this.shell.stabiliseToggle.checked = change.postprocess.stabilise;
        this.shell.guidedEdgesToggle.checked = change.postprocess.upsample === 'guided';
      }
      await this.loadModel();
    });
    this.reloading = next.catch(() => undefined);
    return next;
  }

  /** The bench's model-only rate (see modelOnlyRate.ts): the source is paused meanwhile. */
  async measureModelOnly(seconds: number): Promise<ModelOnlyRate> {
    const client = this.client;
    const source = this.source;
    const picture = source?.display();
    if (!client || !source || !picture) throw new Error('measureModelOnly needs a model and a playing source');
    source.setPaused(true);
    this.pipeline?.clearWaiting();
    try {
      await this.pipeline?.drain();
      return await measureModelOnlyRate(client, picture, seconds);
    } finally {
      if (this.source === source) source.setPaused(document.hidden);
    }
  }

  /**
   * Records `seconds` of the playing video with the masks as shown (see videoExporter.ts). Rejects,
   * with a message shown, when no video plays or the browser cannot encode; resolves with the frames
   * it has (stoppedEarly says why) when the source ends or is replaced mid-export.
   */
  async exportVideo(request: ExportRequest): Promise<ExportedVideo> {
    const source = this.source;
    const picture = source?.display();
    const renderer = this.renderer;
    try {
      if (!source || picture?.kind !== 'video' || !renderer) {
        throw new ExportError('export-no-video', `export needs a playing video; the source is ${source ? `${source.label} (${source.kind})` : 'none'}`);
      }
      this.notice('export-started', `exporting ${request.seconds} s of ${source.label} with its masks…`);
      const video = await exportSegmentedVideo(picture.element, {
        currentMask: () => renderer.currentMask(),
        palette: () => this.palette,
        opacity: () => renderer.opacity(),
        stopReason: () => (this.source !== source ? 'the source was replaced' : this.sourceEnded ? `${source.label} ended` : null),
      }, request);
      this.notice('export-done', `exported ${video.frames} frames (${video.width}x${video.height}, ${video.mimeType}, ${(video.bytes.length / 1e6).toFixed(1)} MB)${video.stoppedEarly ? `; stopped early: ${video.stoppedEarly}` : ''}`);
      return video;
    } catch (err) {
      this.fail(err instanceof ExportError ? err.code : 'export-failed', `video export: ${(err as Error).message}`);
      throw err;
    }
  }

  private sequenceSource(manifest: SequenceManifest): LabelledSequenceSource {
    const contract = this.contract;
    const numClasses = contract ? contract.classes.filter((c) => !c.ignore).length : 11;
    return new LabelledSequenceSource(manifest, { numClasses, voidId: contract?.voidId ?? 11 }, this.options.pace, this.options.limit ?? manifest.frames.length);
  }

  /** Replaces the current source; on failure the message names the problem and the app keeps running. */
  async openSource(create: () => FrameSource | Promise<FrameSource>): Promise<void> {
    let next: FrameSource;
    try {
      next = await create();
    } catch (err) {
      this.fail(err instanceof SourceError ? err.code : 'source-failed', (err as Error).message);
      return;
    }
    const previous = this.source;
    try {
      await next.start({
        onFrame: (frame) => this.onFrame(frame),
        onError: (err) => this.fail(err.code, err.message),
        onEnded: () => {
          this.sourceEnded = true;
        },
      });
    } catch (err) {
      next.dispose();
      this.fail(err instanceof SourceError ? err.code : 'source-failed', (err as Error).message);
      return;
    }
    previous?.dispose();
    this.source = next;
    this.sourceEnded = false;
    this.stats?.resetAccuracy();
    this.pipeline?.setSource(next);
    this.client?.resetHistory(); // a new picture: no stabiliser history
    // A source that starts cleanly ends the message of an earlier one (a missing file, a denied
    // camera); what still holds (a bad URL option, no WebGL, no model) stays. The history keeps both.
    if (this.messages.sourceStarted(this.client === null)) this.shell.clearMessage();
  }

  private onFrame(frame: CapturedFrame): void {
    if (!this.pipeline || document.hidden) {
      this.pipeline?.clearWaiting();
      frame.done?.();
      return;
    }
    this.pipeline.offer(frame);
  }

  private onResult(frame: CapturedFrame, raw: SegmentedFrame): void {
    const stats = this.stats;
    const rawResult = raw.result;
    this.noteInputPath(rawResult.inputPath);
    // What is shown, scored and logged is the worker's postprocessed mask (stabilised, upsampled).
    const work = raw;
    const { result } = work;
    let score: ShownExtra['score'] = null;
    if (stats) {
      if (work.groundTruthError) {
        const err = work.groundTruthError as Error;
        this.fail(err instanceof SourceError ? err.code : 'label-invalid', err.message);
      } else if (work.groundTruth) {
        score = stats.scoreFrame(this.maskAtLabelSize(result, work.groundTruth), work.groundTruth.ids);
      }
    }
    const uploadMs = this.presenter?.present(work, { score }) ?? 0;
    if (stats) {
      stats.inferenceFps.tick(performance.now());
      stats.frames++;
      stats.recordMask(result.mask);
      stats.recordStage('captureMs', work.captureMs);
      stats.recordStage('preprocessMs', result.timings.preprocessMs);
      stats.recordStage('inferenceMs', result.timings.inferenceMs);
      stats.recordStage('postprocessMs', result.timings.postprocessMs);
      stats.recordStage('stabiliseMs', result.timings.stabiliseMs);
      stats.recordStage('upsampleMs', result.timings.upsampleMs);
      stats.recordStage('uploadMs', uploadMs);
    }
    // The mask buffer goes back to the worker with the next frame (no per-frame allocation).
    this.pipeline?.recycle(rawResult.mask);
    frame.done?.();
  }

  /**
   * A VideoFrame in a pixel format the worker's fused path does not handle was segmented through the
   * general (canvas) path: said once per source, so it is never a silent slowdown.
   */
  private noteInputPath(path: string): void {
    if (!path.startsWith('canvas (VideoFrame') || this.inputPathNoticed === this.source) return;
    this.inputPathNoticed = this.source;
    this.notice('frame-format-fallback', `${this.source?.label ?? 'the source'}: its frames come as ${path.slice('canvas ('.length, -1)}, which the fast frame path does not read; they are segmented through the general (slower) path`);
  }

  private maskAtLabelSize(result: SegmentationResult, gt: GroundTruth): Uint8Array {
    if (result.width === gt.width && result.height === gt.height) return result.mask;
    if (this.labelScratch.length !== gt.width * gt.height) this.labelScratch = new Uint8Array(gt.width * gt.height);
    return resizeNearestU8(result.mask, result.width, result.height, this.labelScratch, gt.width, gt.height);
  }

  private onSegmentError(err: unknown, frame: CapturedFrame): void {
    frame.done?.();
    const code = errorCode(err) ?? 'inference-failed';
    if (code === 'busy') return;
    const message = `frame ${frame.frameIndex}: ${(err as Error).message}`;
    // The client has already replaced the worker for these: the app carries on, so it is a notice.
    if (code === 'worker-timeout' || code === 'worker-crashed' || code === 'webgpu-failed') {
      this.notice(code, `${message}; the worker was restarted and segmentation continues`); // also the log row's event
    } else {
      this.fail(code, message);
    }
  }

  private onAnimationFrame(now: number): void {
    requestAnimationFrame((t) => this.onAnimationFrame(t));
    const presenter = this.presenter;
    if (!presenter) return;
    const { drawn, shown } = presenter.frame(this.source?.display() ?? null);
    const stats = this.stats;
    if (stats && drawn) {
      stats.renderFps.tick(now);
      stats.recordStage('renderMs', drawn.renderMs);
      if (drawn.videoUploadMs !== null) stats.recordStage('videoUploadMs', drawn.videoUploadMs);
      if (shown) {
        stats.recordStage('latencyMs', shown.latencyMs);
        this.log.add(shown, drawn.renderMs, drawn.videoUploadMs, this.client?.info.backend ?? 'none');
      }
    }
    if (now - this.lastHudUpdate > 250) {
      this.lastHudUpdate = now;
      this.shell.hud.textContent = formatHud(hudModelOf(this.snapshot(), now));
      this.shell.recordInfo.textContent = this.log.status();
    }
  }

  /** The state the HUD and stats() report (see statusReport.ts). */
  private snapshot(): AppSnapshot {
    const now = performance.now();
    return {
      status: this.status,
      requestedModel: this.options.model,
      client: this.client,
      stats: this.stats,
      source: this.source,
      sourceEnded: this.sourceEnded,
      dropped: this.pipeline?.dropped ?? 0,
      maskAgeMs: this.presenter?.maskAgeMs() ?? null,
      synced: this.presenter?.synced ?? false,
      videoFps: this.renderer?.videoFps(now) ?? 0,
      recording: this.log.recording,
      rendererMemory: this.renderer?.memoryInfo() ?? null,
      lastError: this.messages.lastError,
      messages: this.messages.messages(),
    };
  }

  private updatePalette(): void {
    if (!this.contract) return;
    buildPalette(this.contract, { visibleGroups: this.visibleGroups, dimOthers: this.dimOthers }, this.palette);
    this.renderer?.setPalette(this.palette);
  }

  private setPostprocess(settings: MaskPostprocessSettings): void {
    this.postprocess = settings;
    this.client?.configure(settings);
  }

  private setSynced(synced: boolean): void {
    this.presenter?.setSynced(synced);
  }

  private toggleRecording(): void {
    this.log.toggle();
    this.syncRecordButton();
  }

  private syncRecordButton(): void {
    this.shell.recordButton.textContent = this.log.recording ? '■ Stop' : '● Record log';
    this.shell.recordButton.classList.toggle('recording', this.log.recording);
  }

  private onVisibility(): void {
    const hidden = document.hidden;
    this.source?.setPaused(hidden);
    if (hidden) this.hiddenSince = performance.now();
    else if (this.hiddenSince !== null) {
      const message = `inference paused for ${((performance.now() - this.hiddenSince) / 1000).toFixed(1)} s while the tab was hidden`;
      this.notice('paused-hidden', message); // also the log row's event
      this.hiddenSince = null;
    }
  }

  private summaryContext() {
    return {
      ...(this.stats && this.stats.scoredFrames ? { confusion: this.stats.confusion, classNames: this.stats.classNames } : {}),
      model: this.client?.info.contract.name ?? this.options.model,
      browser: navigator.userAgent,
      hardwareConcurrency: navigator.hardwareConcurrency,
      adapter: this.client?.info.adapter ?? null,
      droppedFrames: this.pipeline?.dropped ?? 0,
    };
  }

  private fail(code: AppErrorCode, message: string): void {
    this.report(this.messages.report(code, message, 'error'));
    this.shell.showMessage('error', message);
    console.warn(`[dashseg] ${code}: ${message}`);
  }

  private notice(code: AppErrorCode, message: string): void {
    this.report(this.messages.report(code, message, 'notice'));
    this.shell.showMessage('notice', message);
  }

  /** While recording, a message is noted on the next log row (its `event`). */
  private report(entry: AppMessage): void {
    this.log.note(`${entry.code}: ${entry.message}`);
  }

  /** window.dashseg: for automation (e2e tests, the bench CLI). */
  automationApi(): DashsegAutomation {
    return {
      stats: (): DashsegStats => statsOf(this.snapshot(), performance.now()),
      log: () => this.log.recorder.all(),
      /** Resolves when every recorded row is persisted (IndexedDB). */
      flushLog: () => this.log.recorder.flush(),
      /** A copy of the mask on screen: {width, height, ids} (row-major class ids); null before the first. */
      latestMask: () => {
        const m = this.renderer?.currentMask();
        return m ? { width: m.width, height: m.height, ids: Array.from(m.data) } : null;
      },
      summary: () => JSON.parse(this.log.recorder.json(this.summaryContext())) as unknown,
      exportVideo: (request: ExportRequest) => this.exportVideo(request),
      /** The model-only rate of the worker the app uses (see DashsegApp.measureModelOnly). */
      measureModelOnly: (seconds: number) => this.measureModelOnly(seconds),
      /** Swaps model / backend / WASM threads without reloading the page (see DashsegApp.reloadModel). */
      reloadModel: (change: ModelReload = {}) => this.reloadModel(change),
      startRecording: () => {
        if (!this.log.recording) this.toggleRecording();
      },
      stopRecording: () => {
        if (this.log.recording) this.toggleRecording();
      },
    };
  }
}

function stamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-');
}
