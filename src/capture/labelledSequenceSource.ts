// A labelled image sequence (CamVid format: images + label PNGs of class ids) played as a video
// with ground truth. From a manifest URL (?seq=...) or from a folder the user picks.

import { decodeLabelImage } from './labelDecoding.ts';
import {
  SourceError,
  type CapturedFrame,
  type FrameSource,
  type FrameSourceHandlers,
  resizedBitmap,
  type GroundTruth,
} from './frameSource.ts';
import type { DisplaySource } from '../render/overlayRenderer.ts';

export interface SequenceFrameRef {
  readonly name: string;
  /** Loads the image bytes. */
  readonly image: () => Promise<Blob>;
  /** Loads the label bytes; null when the frame has no label. */
  readonly label: (() => Promise<Blob>) | null;
  readonly labelSource: string;
}

export interface SequenceManifest {
  readonly id: string;
  readonly fps: number;
  readonly frames: readonly SequenceFrameRef[];
}

export type SequencePace =
  /** Frames advance at the sequence's fps; frames that arrive while one is in flight are dropped. */
  | 'realtime'
  /** Each frame waits for the previous one to finish: every frame is segmented and scored, one pass. */
  | 'every-frame';

async function fetchBlob(url: string): Promise<Blob> {
  const response = await fetch(url);
  if (!response.ok) throw new SourceError('sequence-invalid', `${url}: HTTP ${response.status}`);
  return response.blob();
}

/** Reads a sequence manifest: {id?, fps?, frames: [{name?, image, label?}]}, paths relative to it. */
export async function loadSequenceManifest(url: string): Promise<SequenceManifest> {
  const absolute = new URL(url, location.href);
  let json: unknown;
  try {
    const response = await fetch(absolute);
    if (!response.ok) throw new SourceError('sequence-invalid', `sequence manifest ${url}: HTTP ${response.status}`);
    json = await response.json();
  } catch (err) {
    if (err instanceof SourceError) throw err;
    throw new SourceError('sequence-invalid', `sequence manifest ${url} could not be read: ${(err as Error).message}`);
  }
  const obj = json as { id?: unknown; fps?: unknown; frames?: unknown };
  if (!obj || !Array.isArray(obj.frames) || obj.frames.length === 0) {
    throw new SourceError('sequence-invalid', `sequence manifest ${url} has no "frames" list`);
  }
  const frames = obj.frames.map((f: unknown, i: number): SequenceFrameRef => {
    const entry = f as { name?: unknown; image?: unknown; label?: unknown };
    if (typeof entry?.image !== 'string') throw new SourceError('sequence-invalid', `sequence manifest ${url}: frames[${i}].image is missing`);
    const imageUrl = new URL(entry.image, absolute).href;
    const labelUrl = typeof entry.label === 'string' ? new URL(entry.label, absolute).href : null;
    return {
      name: typeof entry.name === 'string' ? entry.name : entry.image.split('/').pop() ?? `frame ${i}`,
      image: () => fetchBlob(imageUrl),
      label: labelUrl ? () => fetchBlob(labelUrl) : null,
      labelSource: labelUrl ?? '',
    };
  });
  const fps = typeof obj.fps === 'number' && obj.fps > 0 ? obj.fps : 15;
  return { id: typeof obj.id === 'string' ? obj.id : url, fps, frames };
}

const IMAGE_FILE = /\.(png|jpe?g|webp)$/i;

/**
 * A sequence from a picked folder (webkitdirectory): images and label PNGs matched by file name.
 * Labels are recognised by a parent folder named *annot*, *label* or *gt* (CamVid: val/ + valannot/).
 */
export function sequenceFromFiles(files: readonly File[], fps = 15): SequenceManifest {
  const isLabel = (f: File): boolean => /(annot|label|gt)[^/]*\/[^/]+$/i.test(f.webkitRelativePath || f.name);
  const images = files.filter((f) => IMAGE_FILE.test(f.name) && !isLabel(f)).sort((a, b) => a.name.localeCompare(b.name));
  const labels = new Map(files.filter((f) => isLabel(f) && /\.png$/i.test(f.name)).map((f) => [f.name.replace(/\.[^.]+$/, ''), f]));
  if (images.length === 0) throw new SourceError('sequence-invalid', 'the chosen folder has no images (.png/.jpg)');
  const frames = images.map((image): SequenceFrameRef => {
    const stem = image.name.replace(/\.[^.]+$/, '');
    const label = labels.get(stem);
    return {
      name: image.name,
      image: async () => image,
      label: label ? async () => label : null,
      labelSource: label ? label.webkitRelativePath || label.name : '',
    };
  });
  const root = (images[0]?.webkitRelativePath || '').split('/')[0] || 'folder';
  return { id: root, fps, frames };
}

export interface LabelSpace {
  readonly numClasses: number;
  readonly voidId: number;
}

export class LabelledSequenceSource implements FrameSource {
  readonly kind = 'sequence' as const;
  private current: ImageBitmap | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private paused = false;
  private disposed = false;
  private index = 0;
  private waitingForDone = false;
  private handlers: FrameSourceHandlers | null = null;
  /** Images decoded ahead so playback keeps its pace. */
  private readonly prefetched = new Map<number, Promise<ImageBitmap>>();

  constructor(
    private readonly manifest: SequenceManifest,
    private readonly labelSpace: LabelSpace,
    private readonly pace: SequencePace = 'realtime',
    /** Frames to play (every-frame pace stops after them); default: all. */
    private readonly limit: number = manifest.frames.length,
  ) {}

  get label(): string {
    return `${this.manifest.id} (${Math.min(this.limit, this.manifest.frames.length)} labelled frames, ${this.manifest.fps} fps)`;
  }

  get frameCount(): number {
    return Math.min(this.limit, this.manifest.frames.length);
  }

  display(): DisplaySource | null {
    return this.current ? { kind: 'image', image: this.current } : null;
  }

  private decode(i: number): Promise<ImageBitmap> {
    let p = this.prefetched.get(i);
    if (!p) {
      const ref = this.manifest.frames[i];
      if (!ref) throw new SourceError('sequence-invalid', `frame ${i} out of range`);
      p = ref.image().then((blob) => createImageBitmap(blob)).catch((err: unknown) => {
        throw new SourceError('sequence-invalid', `${ref.name}: unreadable image (${(err as Error).message})`);
      });
      this.prefetched.set(i, p);
    }
    return p;
  }

  async start(handlers: FrameSourceHandlers): Promise<void> {
    this.handlers = handlers;
    this.current = await this.decode(0);
    this.scheduleNext(0);
  }

  private scheduleNext(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.emit(), delayMs);
  }

  private async emit(): Promise<void> {
    if (this.disposed || this.paused || this.waitingForDone || !this.handlers) return;
    const count = this.frameCount;
    if (this.index >= count) {
      if (this.pace === 'every-frame') {
        this.handlers.onEnded?.();
        return;
      }
      this.index = 0; // realtime playback loops like a video
    }
    const i = this.index++;
    const startedAt = performance.now();
    let bitmap: ImageBitmap;
    try {
      bitmap = await this.decode(i);
    } catch (err) {
      this.handlers.onError(err as SourceError);
      this.scheduleNext(1000 / this.manifest.fps);
      return;
    }
    this.prefetched.delete(i);
    for (let k = 1; k <= 3 && i + k < count; k++) void this.decode(i + k).catch(() => undefined);
    if (this.disposed) {
      bitmap.close();
      return;
    }
    const previous = this.current;
    this.current = bitmap;
    // The renderer may still hold the previous still for one more display frame.
    if (previous && previous !== bitmap) setTimeout(() => previous.close(), 500);
    const ref = this.manifest.frames[i]!;
    const labelLoader = ref.label;
    const frame: CapturedFrame = {
      capturedAt: performance.now(),
      frameIndex: i,
      mediaTime: i / this.manifest.fps,
      name: ref.name,
      copy: async (size, withSnapshot) => ({
        image: await (size && (size.width !== bitmap.width || size.height !== bitmap.height) ? resizedBitmap(bitmap, size) : createImageBitmap(bitmap)),
        snapshot: withSnapshot ? await createImageBitmap(bitmap) : null,
        mediaTime: i / this.manifest.fps,
        frameIndex: i,
      }),
      ...(labelLoader
        ? {
            loadGroundTruth: async (): Promise<GroundTruth> => {
              const blob = await labelLoader();
              const decoded = await decodeLabelImage(blob, ref.labelSource, { width: bitmap.width, height: bitmap.height }, this.labelSpace.numClasses, this.labelSpace.voidId);
              return { ids: decoded.ids, width: decoded.width, height: decoded.height, source: ref.labelSource };
            },
          }
        : {}),
      done: () => {
        if (this.pace !== 'every-frame' || !this.waitingForDone) return;
        this.waitingForDone = false;
        this.scheduleNext(0);
      },
    };
    if (this.pace === 'every-frame') this.waitingForDone = true;
    this.handlers.onFrame(frame);
    if (this.pace === 'realtime') {
      const elapsed = performance.now() - startedAt;
      this.scheduleNext(Math.max(0, 1000 / this.manifest.fps - elapsed));
    }
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
    if (!paused && !this.waitingForDone) this.scheduleNext(0);
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    this.current?.close();
    this.current = null;
    for (const p of this.prefetched.values()) void p.then((b) => b.close(), () => undefined);
    this.prefetched.clear();
  }
}
