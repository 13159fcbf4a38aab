// The dashseg app's composition root: builds the parts (capture source → segmentation worker →
// three.js overlay, the HUD, the log recorder, the automation API window.dashseg), wires them to each
// other and to the page's shell, and starts them. Each part lives in src/app/ with one job.

import { AppShell } from './ui/appShell.ts';
import { LogStore } from './ui/logStore.ts';
import { parseAppOptions, MODEL_CHOICES, UrlOptionsError, type AppOptions } from './ui/urlOptions.ts';
import { OverlayRenderer } from './render/overlayRenderer.ts';
import { MaskLayerRestarts } from './app/maskLayerRestart.ts';
import { FrameLog, type ShownExtra } from './app/frameLog.ts';
import { MaskPresenter } from './app/maskPresenter.ts';
import { MessageReporter } from './app/messageReporter.ts';
import { ModelSession } from './app/modelSession.ts';
import { SourceController } from './app/sourceController.ts';
import { SegmentedFrameHandler } from './app/segmentedFrameHandler.ts';
import { PaletteControl } from './app/paletteControl.ts';
import { HiddenTabPause } from './app/hiddenTabPause.ts';
import { DisplayUpdates } from './app/displayUpdates.ts';
import { RecordingControl } from './app/recordingControl.ts';
import { VideoExportControl } from './app/videoExportControl.ts';
import { createAutomationApi } from './app/automation.ts';
import { snapshotOf, type AppSnapshot } from './app/statusReport.ts';
import type { DashsegAutomation } from './app/automationApi.ts';
import type { MaskPostprocessSettings } from './processing/maskPostprocess.ts';

/** What shows the picture and draws the mask; made at start, absent without WebGL2. */
interface Overlay {
  readonly renderer: OverlayRenderer;
  readonly presenter: MaskPresenter<ShownExtra>;
}

export class DashsegApp {
  private readonly shell: AppShell;
  private readonly log = new FrameLog();
  private readonly messages: MessageReporter;
  private readonly options: AppOptions;
  private readonly model: ModelSession;
  private readonly sources: SourceController;
  private readonly palette: PaletteControl;
  private readonly recording: RecordingControl;
  private readonly exporter: VideoExportControl;
  private readonly hiddenTab: HiddenTabPause;
  private readonly display: DisplayUpdates;
  private overlay: Overlay | null = null;

  constructor(root: HTMLElement, search: string) {
    this.shell = new AppShell(root, {
      onSample: () => void this.sources.openSample(),
      onWebcam: () => void this.sources.openWebcam(),
      onVideoFile: (file) => void this.sources.openVideoFile(file),
      onFolder: (files) => void this.sources.openFolder(files),
      onOpacity: (v) => this.overlay?.renderer.setOpacity(v),
      onGroupToggle: (group, visible) => this.palette.setGroupVisible(group, visible),
      onDimOthers: (dim) => this.palette.setDimOthers(dim),
      onSynced: (synced) => this.overlay?.presenter.setSynced(synced),
      onStabilise: (stabilise) => this.model.setPostprocess({ ...this.model.postprocess, stabilise }),
      onGuidedEdges: (guided) => this.model.setPostprocess({ ...this.model.postprocess, upsample: guided ? 'guided' : 'nearest' }),
      onDropFloating: (dropFloating) => this.model.setPostprocess({ ...this.model.postprocess, dropFloating }),
      onRecord: () => this.recording.toggle(),
      onDownloadCsv: () => this.recording.downloadCsv(),
      onDownloadJson: () => this.recording.downloadJson(),
      onExportVideo: () => this.exporter.exportAndDownload(),
      onModel: (url) => {
        // A model switch reloads the page with ?model= (the recorded log is kept in IndexedDB: the
        // rows waiting in its batch are written first, for at most a second).
        const params = new URLSearchParams(location.search);
        params.set('model', url);
        const reload = (): void => void (location.search = params.toString());
        void Promise.race([this.log.recorder.flush(), new Promise((r) => setTimeout(r, 1000))]).then(reload, reload);
      },
    }, MODEL_CHOICES, modelFromSearch(search));
    const messages = (this.messages = new MessageReporter(this.shell, (event) => this.log.note(event)));
    this.options = this.parseOptions(search);
    const { options, shell, log } = this;
    const showPostprocess = (p: MaskPostprocessSettings): void => {
      shell.stabiliseToggle.checked = p.stabilise;
      shell.guidedEdgesToggle.checked = p.upsample === 'guided';
      shell.dropFloatingToggle.checked = p.dropFloating;
    };
    const postprocess: MaskPostprocessSettings = { stabilise: options.stabilise, upsample: options.upsample, dropFloating: options.dropFloating };
    shell.syncedToggle.checked = options.synced;
    showPostprocess(postprocess);

    const presenter = () => this.overlay?.presenter ?? null;
    const results = new SegmentedFrameHandler({
      stats: () => this.model.stats,
      presenter,
      recycle: (mask) => this.model.pipeline?.recycle(mask),
      source: () => this.sources.source,
      messages,
    });
    this.model = new ModelSession({ model: options.model, backend: options.backend, postprocess }, {
      results,
      withSnapshot: () => presenter()?.synced ?? false,
      currentSource: () => this.sources.source,
      onLoaded: (contract) => this.palette.modelLoaded(contract),
      onUnloaded: () => presenter()?.reset(),
      onPostprocessChanged: showPostprocess,
      messages,
    });
    this.sources = new SourceController({
      onFrame: (frame) => {
        this.model.offer(frame, document.hidden);
        this.display.pictureChanged();
      },
      onStarted: (source) => {
        this.model.sourceChanged(source);
        this.display.pictureChanged();
        messages.sourceStarted(this.model.client === null);
      },
      contract: () => this.model.contract,
      sequence: { pace: options.pace, limit: options.limit },
      messages,
    });
    this.palette = new PaletteControl({ contract: () => this.model.contract, display: () => this.overlay?.renderer ?? null, legend: shell });
    this.recording = new RecordingControl(log, shell.recordButton, messages, () => this.model.logSummaryContext());
    this.exporter = new VideoExportControl({ sources: this.sources, display: () => this.overlay?.renderer ?? null, palette: this.palette.palette, messages });
    this.hiddenTab = new HiddenTabPause(() => this.sources.source, messages);
    this.display = new DisplayUpdates({
      presenter,
      picture: () => this.sources.source?.display() ?? null,
      stats: () => this.model.stats,
      backend: () => this.model.client?.info.backend ?? 'none',
      snapshot: () => this.snapshot(),
      log,
      hud: shell.hud,
      recordInfo: shell.recordInfo,
    });
  }

  async start(): Promise<void> {
    const { shell, messages, display } = this;
    try {
      const renderer = await OverlayRenderer.create(shell.stage, shell.canvas, this.palette.palette, Number(shell.opacitySlider.value), this.options.maskLayer);
      const presenter: MaskPresenter<ShownExtra> = new MaskPresenter<ShownExtra>(renderer, {
        onShown: (shown) => display.maskShown(shown),
        onFailed: (err) => void restarts.restart(err),
      });
      const restarts = new MaskLayerRestarts(renderer, presenter, messages);
      presenter.setSynced(this.options.synced);
      this.overlay = { renderer, presenter };
      new ResizeObserver(() => display.layoutChanged()).observe(shell.stage);
    } catch (err) {
      messages.fail('webgl-unavailable', `WebGL2 is not available, so the overlay cannot be drawn: ${(err as Error).message}`);
    }
    document.addEventListener('visibilitychange', () => this.hiddenTab.update(document.hidden));
    display.start();
    await this.recording.restore(await LogStore.open(), this.options.record);
    await this.model.load();
    await this.sources.openStartup(this.options);
  }

  /** window.dashseg: for automation (e2e tests, the bench CLI). */
  automationApi(): DashsegAutomation {
    const { log, recording, model, sources, exporter } = this;
    return createAutomationApi({
      snapshot: () => this.snapshot(),
      currentMask: () => this.overlay?.renderer.currentMask() ?? null,
      log, recording, model, sources, exporter,
    });
  }

  /** The URL's options; a bad one is reported and the defaults are used. */
  private parseOptions(search: string): AppOptions {
    try {
      return parseAppOptions(search);
    } catch (err) {
      this.messages.fail(err instanceof UrlOptionsError ? 'bad-url-option' : 'startup', (err as Error).message);
      return parseAppOptions('');
    }
  }

  /** The state the HUD and stats() report (see statusReport.ts). */
  private snapshot(): AppSnapshot {
    const { model, sources, overlay, log } = this;
    return snapshotOf({ model, sources, overlay, log, messages: this.messages.board }, performance.now());
  }
}

/** The model the URL names, for the shell's model menu (the first choice when the URL is bad). */
function modelFromSearch(search: string): string {
  try {
    return parseAppOptions(search).model;
  } catch {
    return MODEL_CHOICES[0]?.url ?? '';
  }
}
