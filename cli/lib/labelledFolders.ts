// Pairs an images folder with a labels folder (CamVid layout: images/<name>.<ext>, labels/<name>.png)
// and checks, before anything slow starts, that every selected file is there, readable, non-empty
// and of the expected format. Errors name the file; harmless oddities become notes.

import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { CliError } from './errors.ts';

export const IMAGE_EXTENSIONS: readonly string[] = ['.png', '.jpg', '.jpeg', '.webp', '.bmp'];
export const LABEL_EXTENSION = '.png';

export interface LabelledFrame {
  /** The image's file name (e.g. 0016E5_07959.png): the frame's name in results. */
  readonly name: string;
  readonly stem: string;
  /** Absolute paths. */
  readonly image: string;
  readonly label: string;
}

export interface PairingOptions {
  /** Keep only the first N frames (by file name). */
  readonly limit?: number;
  /** How paths appear in messages (default: as given, joined). */
  readonly display?: (absolutePath: string) => string;
}

export interface PairingResult {
  readonly frames: LabelledFrame[];
  /** Frames found before --limit was applied. */
  readonly available: number;
  /** Things that were skipped, for the user to see (not errors). */
  readonly notes: string[];
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function listSample(names: readonly string[], max = 5): string {
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown}, … (${names.length} in all)` : shown;
}

async function listFolder(dir: string, flag: string, show: (p: string) => string): Promise<string[]> {
  let st;
  try {
    st = await stat(dir);
  } catch {
    throw new CliError(`${flag} ${show(dir)}: no such folder`);
  }
  if (!st.isDirectory()) throw new CliError(`${flag} ${show(dir)}: not a folder`);
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    // Hidden files (.DS_Store, editor swap files) are never data.
    return entries.filter((e) => !e.name.startsWith('.') && (e.isFile() || e.isSymbolicLink())).map((e) => e.name).sort(byName);
  } catch (err) {
    throw new CliError(`${flag} ${show(dir)}: cannot list the folder (${(err as Error).message})`);
  }
}

const stemOf = (name: string): string => name.slice(0, name.length - path.extname(name).length);

/**
 * Pairs images with labels by stem. Errors (CliError): a folder that is missing or empty, the two
 * flags naming the same folder, an image without a label. Labels without an image and files that are
 * not images are skipped with a note.
 */
export async function pairLabelledFolders(imagesDir: string, labelsDir: string, options: PairingOptions = {}): Promise<PairingResult> {
  const show = options.display ?? ((p: string) => p);
  const images = path.resolve(imagesDir);
  const labels = path.resolve(labelsDir);
  if (images === labels) throw new CliError(`--images and --labels are the same folder (${show(images)}): labels must be in their own folder`);
  const [imageNames, labelNames] = await Promise.all([listFolder(images, '--images', show), listFolder(labels, '--labels', show)]);
  const notes: string[] = [];

  const imageFiles = imageNames.filter((n) => IMAGE_EXTENSIONS.includes(path.extname(n).toLowerCase()));
  const other = imageNames.filter((n) => !imageFiles.includes(n));
  if (imageFiles.length === 0) {
    throw new CliError(`--images ${show(images)}: no images in it (looked for ${IMAGE_EXTENSIONS.join(', ')})${other.length ? `; found only ${listSample(other)}` : ''}`);
  }
  if (other.length) notes.push(`skipped ${other.length} file(s) in ${show(images)} that are not images: ${listSample(other)}`);

  const labelByStem = new Map<string, string>();
  for (const n of labelNames) if (path.extname(n) === LABEL_EXTENSION) labelByStem.set(stemOf(n), n);
  if (labelByStem.size === 0) throw new CliError(`--labels ${show(labels)}: no label PNGs in it`);

  const stems = new Map<string, string>();
  for (const n of imageFiles) {
    const stem = stemOf(n);
    const clash = stems.get(stem);
    if (clash) throw new CliError(`${show(path.join(images, n))} and ${clash} share the name "${stem}": a label cannot tell them apart`);
    stems.set(stem, show(path.join(images, n)));
  }

  const unlabelled = imageFiles.filter((n) => !labelByStem.has(stemOf(n)));
  if (unlabelled.length === 1) {
    const n = unlabelled[0] as string;
    throw new CliError(`${show(path.join(images, n))} has no label: expected ${show(path.join(labels, stemOf(n) + LABEL_EXTENSION))}`);
  }
  if (unlabelled.length > 1) {
    throw new CliError(
      `${unlabelled.length} images have no label in ${show(labels)}: ${listSample(unlabelled.map((n) => show(path.join(images, n))))} ` +
        `(a label is <image name>${LABEL_EXTENSION})`,
    );
  }
  const imageStems = new Set(imageFiles.map(stemOf));
  const orphans = [...labelByStem.values()].filter((n) => !imageStems.has(stemOf(n)));
  if (orphans.length) notes.push(`ignored ${orphans.length} label(s) without an image: ${listSample(orphans)}`);

  const all: LabelledFrame[] = imageFiles.map((n) => ({
    name: n,
    stem: stemOf(n),
    image: path.join(images, n),
    label: path.join(labels, labelByStem.get(stemOf(n)) as string),
  }));
  const frames = options.limit !== undefined ? all.slice(0, options.limit) : all;
  for (const frame of frames) {
    await checkReadable(frame.image, 'image', show);
    await checkReadable(frame.label, 'label', show);
  }
  return { frames, available: all.length, notes };
}

/** Magic numbers of the accepted formats. */
export function sniffFormat(head: Uint8Array): 'png' | 'jpeg' | 'webp' | 'bmp' | null {
  const b = (i: number): number => head[i] ?? -1;
  if (b(0) === 0x89 && b(1) === 0x50 && b(2) === 0x4e && b(3) === 0x47 && b(4) === 0x0d && b(5) === 0x0a && b(6) === 0x1a && b(7) === 0x0a) return 'png';
  if (b(0) === 0xff && b(1) === 0xd8 && b(2) === 0xff) return 'jpeg';
  if (b(0) === 0x52 && b(1) === 0x49 && b(2) === 0x46 && b(3) === 0x46 && b(8) === 0x57 && b(9) === 0x45 && b(10) === 0x42 && b(11) === 0x50) return 'webp';
  if (b(0) === 0x42 && b(1) === 0x4d) return 'bmp';
  return null;
}

/** Opens the file and reads its first bytes: catches missing, unreadable, empty and mis-named files. */
export async function checkReadable(file: string, what: 'image' | 'label', show: (p: string) => string = (p) => p): Promise<void> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist (broken link?)' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new CliError(`${what} ${show(file)} cannot be read: ${why}`);
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new CliError(`${what} ${show(file)} is not a regular file`);
    if (st.size === 0) throw new CliError(`${what} ${show(file)} is empty (0 bytes)`);
    const head = new Uint8Array(16);
    try {
      await handle.read(head, 0, head.length, 0);
    } catch (err) {
      throw new CliError(`${what} ${show(file)} cannot be read: ${(err as Error).message}`);
    }
    const format = sniffFormat(head);
    if (what === 'label' && format !== 'png') {
      throw new CliError(`label ${show(file)} is not a PNG file${format ? ` (it is ${format})` : ''}: labels must be PNG (pixel = class id)`);
    }
    if (what === 'image' && format === null) throw new CliError(`image ${show(file)} is not a PNG, JPEG, WebP or BMP file`);
  } finally {
    await handle.close();
  }
}
