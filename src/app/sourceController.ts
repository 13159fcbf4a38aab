// The capture source playing now: opens one (the sample video, a file, the webcam, a labelled
// sequence; at start-up the one the URL names), replaces the previous one only once the new one
// starts, and knows whether it has ended. A source that fails to open is reported and the one playing
// keeps playing.

import { SourceError, type CapturedFrame, type FrameSource } from '../capture/frameSource.ts';
import { VideoFileSource } from '../capture/videoFileSource.ts';
import { WebcamSource } from '../capture/webcamSource.ts';
import {
  LabelledSequenceSource,
  loadSequenceManifest,
  sequenceFromFiles,
  type LabelSpace,
  type SequenceManifest,
  type SequencePace,
} from '../capture/labelledSequenceSource.ts';
import { DEFAULT_VIDEO_URL, type AppOptions } from '../ui/urlOptions.ts';
import type { ModelContract } from '../processing/modelContract.ts';
import type { MessageSink } from './messageReporter.ts';

/** The label space of a sequence opened while no model is loaded: the bundled models' 11 classes, void = 11. */
const LABEL_SPACE_WITHOUT_MODEL: LabelSpace = { numClasses: 11, voidId: 11 };

export interface SourceControllerParts {
  /** Each frame of the source playing now. */
  onFrame(frame: CapturedFrame): void;
  /** A new source started cleanly (the previous one is disposed). */
  onStarted(source: FrameSource): void;
  /** The loaded model's contract: a labelled sequence is scored in its label space. */
  contract(): ModelContract | null;
  /** How a labelled sequence plays (?pace=, ?limit=). */
  readonly sequence: { readonly pace: SequencePace; readonly limit: number | null };
  readonly messages: MessageSink;
}

export class SourceController {
  private current: FrameSource | null = null;
  private ended = false;

  constructor(private readonly parts: SourceControllerParts) {}

  get source(): FrameSource | null {
    return this.current;
  }

  /** The source playing now has finished (a sequence's last frame, a video or camera that failed mid-stream). */
  get sourceEnded(): boolean {
    return this.ended;
  }

  /** The source the URL asks for: ?camera, ?seq=, else ?src= or the bundled sample. */
  openStartup(options: Pick<AppOptions, 'camera' | 'seq' | 'src'>): Promise<void> {
    if (options.camera) return this.openWebcam();
    const seqUrl = options.seq;
    if (seqUrl) return this.open(async () => this.sequenceSource(await loadSequenceManifest(seqUrl)));
    return this.open(() => new VideoFileSource(options.src ?? DEFAULT_VIDEO_URL));
  }

  openSample(): Promise<void> {
    return this.open(() => new VideoFileSource(DEFAULT_VIDEO_URL));
  }

  openWebcam(): Promise<void> {
    return this.open(() => new WebcamSource());
  }

  openVideoFile(file: File): Promise<void> {
    return this.open(() => new VideoFileSource(file));
  }

  /** A folder of images with their labels, as a labelled sequence. */
  openFolder(files: File[]): Promise<void> {
    return this.open(() => this.sequenceSource(sequenceFromFiles(files)));
  }

  /** Replaces the current source; on failure the message names the problem and the app keeps running. */
  async open(create: () => FrameSource | Promise<FrameSource>): Promise<void> {
    const { messages } = this.parts;
    let next: FrameSource;
    try {
      next = await create();
    } catch (err) {
      messages.fail(err instanceof SourceError ? err.code : 'source-failed', (err as Error).message);
      return;
    }
    const previous = this.current;
    try {
      await next.start({
        onFrame: (frame) => this.parts.onFrame(frame),
        onError: (err) => messages.fail(err.code, err.message),
        onEnded: () => {
          this.ended = true;
        },
      });
    } catch (err) {
      next.dispose();
      messages.fail(err instanceof SourceError ? err.code : 'source-failed', (err as Error).message);
      return;
    }
    previous?.dispose();
    this.current = next;
    this.ended = false;
    this.parts.onStarted(next);
  }

  private sequenceSource(manifest: SequenceManifest): LabelledSequenceSource {
    const contract = this.parts.contract();
    const labelSpace = contract ? { numClasses: contract.classes.filter((c) => !c.ignore).length, voidId: contract.voidId } : LABEL_SPACE_WITHOUT_MODEL;
    const { pace, limit } = this.parts.sequence;
    return new LabelledSequenceSource(manifest, labelSpace, pace, limit ?? manifest.frames.length);
  }
}
