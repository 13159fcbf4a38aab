// The model the app segments with: loads it (a SegmentationClient: worker + ORT session) with the
// URL's options, swaps it while the source keeps playing (reload), and holds what belongs to the model
// loaded now: its client, contract, live stats and segmentation pipeline (all null while none is).
// The client factory is injected (SegmentationClient.create in the app; a fake in the unit tests).

import { SegmentationClient, errorCode, type ClientEvents } from '../inference/segmentationClient.ts';
import { contractUrlFor } from '../ui/urlOptions.ts';
import { LiveStats } from '../ui/liveStats.ts';
import { SegmentationPipeline, type PipelineClient, type PipelineHandlers } from './segmentationPipeline.ts';
import type { BackendRequest } from '../inference/backendChoice.ts';
import type { CapturedFrame } from '../capture/frameSource.ts';
import type { ModelContract } from '../processing/modelContract.ts';
import type { MaskPostprocessSettings } from '../processing/maskPostprocess.ts';
import type { LogSummaryContext } from '../processing/logFormat.ts';
import type { SegmentationInitOptions, SegmentationInitResult } from '../../workers/segmentationProtocol.ts';
import type { ModelReload } from './automationApi.ts';
import type { MessageSink } from './messageReporter.ts';

/** Where the page serves ORT's runtime files (.mjs/.wasm). */
const ORT_BASE_URL = '/ort/';

/** What the session needs of the segmentation client (SegmentationClient, or a fake in tests). */
export interface SessionClient extends PipelineClient {
  readonly info: SegmentationInitResult;
  readonly restarts: number;
  configure(settings: MaskPostprocessSettings): void;
  resetHistory(): void;
  dispose(): Promise<void>;
}

export type CreateClient = (options: SegmentationInitOptions, events: ClientEvents) => Promise<SessionClient>;

/** The model asked for, and how it runs. */
export interface ModelChoice {
  readonly model: string;
  readonly backend: BackendRequest;
  readonly postprocess: MaskPostprocessSettings;
}

export interface ModelSessionParts {
  /** Where each pipeline's results and errors go. */
  readonly results: PipelineHandlers;
  /** Whether each frame copy also takes a full-size snapshot (synced mode). */
  withSnapshot(): boolean;
  /** The source playing now (any object that names it): a new model's pipeline takes its frames. */
  currentSource(): object | null;
  /** A model was loaded: the palette and legend follow its contract. */
  onLoaded(contract: ModelContract): void;
  /** The old model is gone (reload): nothing of it may wait to be shown. */
  onUnloaded(): void;
  /** A reload changed the postprocess settings: the toggles show them. */
  onPostprocessChanged(settings: MaskPostprocessSettings): void;
  readonly messages: MessageSink;
  readonly createClient?: CreateClient;
}

export class ModelSession {
  private currentClient: SessionClient | null = null;
  private currentContract: ModelContract | null = null;
  private currentStats: LiveStats | null = null;
  /** Frame offered → mask, for the model loaded now. */
  private currentPipeline: SegmentationPipeline | null = null;
  private choice: ModelChoice;
  /** WASM thread override (reload({threads})); undefined = automatic. */
  private wasmThreads: number | undefined;
  /** ORT thread-pool spin-waiting (reload({spinWait})); off unless the bench measures it. */
  private spinWait = false;
  private reloading: Promise<void> = Promise.resolve();
  private currentStatus = 'starting';
  private readonly createClient: CreateClient;

  constructor(choice: ModelChoice, private readonly parts: ModelSessionParts) {
    this.choice = choice;
    this.createClient = parts.createClient ?? ((options, events) => SegmentationClient.create(options, events));
  }

  get client(): SessionClient | null {
    return this.currentClient;
  }

  get contract(): ModelContract | null {
    return this.currentContract;
  }

  get stats(): LiveStats | null {
    return this.currentStats;
  }

  get pipeline(): SegmentationPipeline | null {
    return this.currentPipeline;
  }

  /** What the HUD says the model is doing (loading, downloading %, running, no model). */
  get status(): string {
    return this.currentStatus;
  }

  /** The model asked for (its URL). */
  get modelUrl(): string {
    return this.choice.model;
  }

  /** How the worker makes the mask shown from the model's class map (stabilisation, upsampling). */
  get postprocess(): MaskPostprocessSettings {
    return this.choice.postprocess;
  }

  /** Loads the model asked for; on failure the message names it and the app plays the video alone. */
  async load(): Promise<void> {
    const modelUrl = this.choice.model;
    this.currentStatus = `loading model ${modelUrl}`;
    let client: SessionClient;
    try {
      client = await this.createClient(
        {
          modelUrl,
          contractUrl: contractUrlFor(modelUrl),
          contractOptional: true,
          backend: this.choice.backend,
          ortBaseUrl: ORT_BASE_URL,
          ...(this.wasmThreads !== undefined ? { wasmThreads: this.wasmThreads } : {}),
          ...(this.spinWait ? { spinWait: true } : {}),
          postprocess: this.choice.postprocess,
        },
        {
          onProgress: (p) => {
            this.currentStatus = p.stage === 'download-model' && p.total ? `downloading model ${Math.round((100 * (p.loaded ?? 0)) / p.total)} %` : p.stage;
          },
          onNotice: (code, message) => this.parts.messages.notice(code, message),
        },
      );
    } catch (err) {
      this.parts.messages.fail(errorCode(err) ?? 'model-failed', `model ${modelUrl} could not be loaded: ${(err as Error).message}`);
      this.currentStatus = 'no model: video only';
      return;
    }
    this.currentClient = client;
    const info = client.info;
    this.currentContract = info.contract;
    this.currentStats = new LiveStats(info.classes, info.contract.voidId);
    this.currentPipeline = new SegmentationPipeline(client, this.parts.results, { withSnapshot: () => this.parts.withSnapshot() });
    this.currentPipeline.setSource(this.parts.currentSource());
    this.parts.onLoaded(info.contract);
    this.currentStatus = 'running';
    if (info.reason.includes('fell back')) this.parts.messages.notice('webgpu-fallback', info.reason);
  }

  /**
   * Swaps the model (a new worker and session) while the source keeps playing: the bench CLI
   * alternates models in one page. Waits for the frame in flight, so the old worker is never
   * disposed mid-inference. Resolves when the new model runs, or failed (stats().ready false, lastError).
   */
  reload(change: ModelReload): Promise<void> {
    if (change.threads !== undefined && change.threads !== null && !(Number.isInteger(change.threads) && change.threads >= 1)) {
      return Promise.reject(new RangeError(`threads must be a positive integer or null, got ${String(change.threads)}`));
    }
    const next = this.reloading.then(async () => {
      const oldPipeline = this.currentPipeline;
      const oldClient = this.currentClient;
      this.currentPipeline = null; // offer() drops frames until the new model runs
      oldPipeline?.retire(); // its late results are released, not shown
      await oldPipeline?.drain();
      this.currentClient = null;
      this.currentStats = null;
      this.currentContract = null;
      this.parts.onUnloaded();
      await oldClient?.dispose();
      this.choice = {
        ...this.choice,
        ...(change.model !== undefined ? { model: change.model } : {}),
        ...(change.backend !== undefined ? { backend: change.backend } : {}),
      };
      if (change.threads !== undefined) this.wasmThreads = change.threads ?? undefined;
      if (change.spinWait !== undefined) this.spinWait = change.spinWait;
      if (change.postprocess !== undefined) {
        this.choice = { ...this.choice, postprocess: change.postprocess };
        this.parts.onPostprocessChanged(change.postprocess);
      }
      await this.load();
    });
    this.reloading = next.catch(() => undefined);
    return next;
  }

  /** The toolbar's stabilise / guided-edges toggles: applies to the frames that start after this. */
  setPostprocess(settings: MaskPostprocessSettings): void {
    this.choice = { ...this.choice, postprocess: settings };
    this.currentClient?.configure(settings);
  }

  /** A frame of the current source: segmented when a model runs and the tab is visible, else released. */
  offer(frame: CapturedFrame, hidden: boolean): void {
    if (!this.currentPipeline || hidden) {
      this.currentPipeline?.clearWaiting();
      frame.done?.();
      return;
    }
    this.currentPipeline.offer(frame);
  }

  /** A new source started: new accuracy, its frames, and no stabiliser history (a new picture). */
  sourceChanged(source: object): void {
    this.currentStats?.resetAccuracy();
    this.currentPipeline?.setSource(source);
    this.currentClient?.resetHistory();
  }

  /** What the log's JSON summary says of the run (see LogRecorder.json). */
  logSummaryContext(): LogSummaryContext {
    const stats = this.currentStats;
    const client = this.currentClient;
    return {
      ...(stats && stats.scoredFrames ? { confusion: stats.confusion, classNames: stats.classNames } : {}),
      model: client?.info.contract.name ?? this.choice.model,
      browser: navigator.userAgent,
      hardwareConcurrency: navigator.hardwareConcurrency,
      adapter: client?.info.adapter ?? null,
      droppedFrames: this.currentPipeline?.dropped ?? 0,
    };
  }
}
