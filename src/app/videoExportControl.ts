// The app's side of the video export (see videoExporter.ts): records the video playing now with the
// mask on screen, coloured by the palette in use, until the seconds asked for are recorded or the
// source ends or is replaced; says when it starts and what it made; the toolbar's button downloads it.

import { exportSegmentedVideo, ExportError, type ExportedVideo, type ExportRequest } from './videoExporter.ts';
import { downloadText } from '../ui/logRecorder.ts';
import type { FrameSource } from '../capture/frameSource.ts';
import type { MessageSink } from './messageReporter.ts';
import { downloadName } from './downloadName.ts';

/** Seconds the toolbar's Export video button records. */
const EXPORT_BUTTON_SECONDS = 10;

/** What the export reads of the display (OverlayRenderer). */
export interface ExportDisplay {
  currentMask(): { data: Uint8Array; width: number; height: number } | null;
  opacity(): number;
}

export interface VideoExportParts {
  /** The source playing now, and whether it has ended (SourceController). */
  readonly sources: { readonly source: FrameSource | null; readonly sourceEnded: boolean };
  /** The display (null without WebGL: nothing to export). */
  display(): ExportDisplay | null;
  /** RGBA per class id, as the display uses it. */
  readonly palette: Uint8Array;
  readonly messages: MessageSink;
}

export class VideoExportControl {
  constructor(private readonly parts: VideoExportParts) {}

  /**
   * Records `seconds` of the playing video with the masks as shown (see videoExporter.ts). Rejects,
   * with a message shown, when no video plays or the browser cannot encode; resolves with the frames
   * it has (stoppedEarly says why) when the source ends or is replaced mid-export.
   */
  async export(request: ExportRequest): Promise<ExportedVideo> {
    const { sources, messages, palette } = this.parts;
    const source = sources.source;
    const picture = source?.display();
    const display = this.parts.display();
    try {
      if (!source || picture?.kind !== 'video' || !display) {
        throw new ExportError('export-no-video', `export needs a playing video; the source is ${source ? `${source.label} (${source.kind})` : 'none'}`);
      }
      messages.notice('export-started', `exporting ${request.seconds} s of ${source.label} with its masks…`);
      const video = await exportSegmentedVideo(picture.element, {
        currentMask: () => display.currentMask(),
        palette: () => palette,
        opacity: () => display.opacity(),
        stopReason: () => (sources.source !== source ? 'the source was replaced' : sources.sourceEnded ? `${source.label} ended` : null),
      }, request);
      messages.notice('export-done', `exported ${video.frames} frames (${video.width}x${video.height}, ${video.mimeType}, ${(video.bytes.length / 1e6).toFixed(1)} MB)${video.stoppedEarly ? `; stopped early: ${video.stoppedEarly}` : ''}`);
      return video;
    } catch (err) {
      messages.fail(err instanceof ExportError ? err.code : 'export-failed', `video export: ${(err as Error).message}`);
      throw err;
    }
  }

  /** The toolbar's Export video button: exports EXPORT_BUTTON_SECONDS and downloads the file. */
  exportAndDownload(): void {
    void this.export({ seconds: EXPORT_BUTTON_SECONDS }).then(
      (v) => downloadText(v.bytes, downloadName('dashseg', v.mimeType.includes('mp4') ? 'mp4' : 'webm'), v.mimeType),
      () => undefined, // the message is shown by export()
    );
  }
}
