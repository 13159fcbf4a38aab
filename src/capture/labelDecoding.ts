// Ground-truth label images (CamVid format: 8-bit single-channel PNG, pixel = class id, with one
// void id that the metrics skip) → class-id arrays. Used by the labelled-sequence player and the
// eval page (src/eval/evalPage.ts), so both score frames from exactly the same ids.

export class LabelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabelError';
  }
}

export interface LabelSize {
  readonly width: number;
  readonly height: number;
}

export interface DecodedLabel {
  /** Class id per pixel, row-major, width x height. */
  readonly ids: Uint8Array;
  readonly width: number;
  readonly height: number;
}

/**
 * Decodes a label image in the browser (window or worker). `source` (a file name or URL) is put in
 * every error message. `expected` is the size of the frame it labels (null: any size). Valid ids are
 * 0..numClasses-1 and voidId. Throws LabelError when the image cannot be decoded, is not a
 * single-channel id image (R, G and B differ, or it is not opaque), has another size than
 * `expected`, or holds ids outside the class table; and, for PNGs, before decoding: a bit depth other
 * than 8 (a canvas keeps only the high byte of 16-bit samples, so ids 0..255 would all read as 0, Sky)
 * and a palette that is not the identity (index i shown as grey i), whose indices are not its colours.
 */
export async function decodeLabelImage(
  blob: Blob,
  source: string,
  expected: LabelSize | null,
  numClasses: number,
  voidId: number,
): Promise<DecodedLabel> {
  checkLabelPngHeader(new Uint8Array(await blob.arrayBuffer()), source);
  let bitmap: ImageBitmap;
  try {
    // No colour management or premultiplication: either would change the ids.
    bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  } catch (err) {
    throw new LabelError(`${source}: could not be decoded as an image (${(err as Error).message || 'unknown error'})`);
  }
  try {
    const { width, height } = bitmap;
    if (expected && (width !== expected.width || height !== expected.height)) {
      throw new LabelError(`${source}: label is ${width}x${height} but its image is ${expected.width}x${expected.height}`);
    }
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (!context) throw new LabelError(`${source}: no 2d canvas context to read the label with`);
    context.drawImage(bitmap, 0, 0);
    const rgba = context.getImageData(0, 0, width, height, { colorSpace: 'srgb' }).data;
    return { ids: labelIdsFromRgba(rgba, width, height, source, numClasses, voidId), width, height };
  } finally {
    bitmap.close();
  }
}

/**
 * The pure part of decodeLabelImage: RGBA pixels of a decoded label → class ids (R channel),
 * after checking that every pixel is grey (R = G = B), opaque, and a valid id.
 */
export function labelIdsFromRgba(
  rgba: Uint8ClampedArray | Uint8Array,
  width: number,
  height: number,
  source: string,
  numClasses: number,
  voidId: number,
): Uint8Array {
  const count = width * height;
  if (rgba.length < count * 4) {
    throw new LabelError(`${source}: ${rgba.length} bytes of pixels for a ${width}x${height} label`);
  }
  const ids = new Uint8Array(count);
  // Per-id flags, so the id check is one table lookup per pixel.
  const valid = new Uint8Array(256);
  valid.fill(1, 0, Math.min(256, numClasses));
  if (voidId >= 0 && voidId < 256) valid[voidId] = 1;
  let badIds: Map<number, { count: number; first: number }> | null = null;
  for (let p = 0, s = 0; p < count; p++, s += 4) {
    const r = rgba[s] as number;
    if (r !== rgba[s + 1] || r !== rgba[s + 2]) {
      throw new LabelError(
        `${source}: not a single-channel class-id image: pixel ${where(p, width)} is ` +
          `R=${r} G=${rgba[s + 1]} B=${rgba[s + 2]} (a label must be greyscale with pixel = class id; ` +
          'colour-coded labels must be converted to ids first)',
      );
    }
    if (rgba[s + 3] !== 255) {
      throw new LabelError(`${source}: pixel ${where(p, width)} has alpha ${rgba[s + 3]}: a label must be opaque (pixel = class id)`);
    }
    if (valid[r] === 0) {
      badIds ??= new Map();
      const entry = badIds.get(r);
      if (entry) entry.count++;
      else badIds.set(r, { count: 1, first: p });
    }
    ids[p] = r;
  }
  if (badIds) {
    const list = [...badIds.entries()]
      .sort((a, b) => a[0] - b[0])
      .slice(0, 8)
      .map(([id, e]) => `${id} (${e.count} px, first at ${where(e.first, width)})`);
    const more = badIds.size > 8 ? `, and ${badIds.size - 8} more` : '';
    throw new LabelError(
      `${source}: class ids outside the model's class table (0..${numClasses - 1}, void ${voidId}): ${list.join(', ')}${more}`,
    );
  }
  return ids;
}

function where(pixel: number, width: number): string {
  return `(x ${pixel % width}, y ${Math.floor(pixel / width)})`;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const PNG_COLOUR_TYPES: Readonly<Record<number, string>> = { 0: 'greyscale', 2: 'RGB', 3: 'palette', 4: 'greyscale+alpha', 6: 'RGBA' };

/**
 * Checks a label PNG's header chunks (IHDR, PLTE) before it is decoded: bit depth 8, and for a palette
 * image the identity palette. Not a PNG (another signature): nothing to check here. Throws LabelError
 * naming `source` and the problem; a PNG cut short before its image data is reported too.
 */
export function checkLabelPngHeader(bytes: Uint8Array, source: string): void {
  if (bytes.length < 8 || PNG_SIGNATURE.some((b, i) => bytes[i] !== b)) return;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let colourType = -1;
  for (let at = 8; at + 8 <= bytes.length; ) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(bytes[at + 4]!, bytes[at + 5]!, bytes[at + 6]!, bytes[at + 7]!);
    const data = at + 8;
    if (data + length > bytes.length) break;
    if (type === 'IHDR') {
      if (length < 13) break;
      const bitDepth = bytes[data + 8]!;
      colourType = bytes[data + 9]!;
      if (bitDepth !== 8) {
        throw new LabelError(
          `${source}: label PNG has bit depth ${bitDepth} (${PNG_COLOUR_TYPES[colourType] ?? `colour type ${colourType}`}); ` +
            'class-id labels must be 8-bit (a browser reads 16-bit samples as their high byte, which would turn small ids into 0)',
        );
      }
    } else if (type === 'PLTE' && colourType === 3) {
      for (let i = 0; i < Math.floor(length / 3); i++) {
        const r = bytes[data + 3 * i]!;
        const g = bytes[data + 3 * i + 1]!;
        const b = bytes[data + 3 * i + 2]!;
        if (r !== i || g !== i || b !== i) {
          throw new LabelError(
            `${source}: palette label PNG maps index ${i} to colour (${r}, ${g}, ${b}); class-id labels must be greyscale ` +
              'or use the identity palette (index i = grey i), else the ids read are colours, not the indices',
          );
        }
      }
      return;
    } else if (type === 'IDAT' || type === 'IEND') {
      if (colourType === -1) break;
      return;
    }
    at = data + length + 4; // + CRC
  }
  if (colourType === -1) throw new LabelError(`${source}: not a valid PNG (no image header)`);
}
