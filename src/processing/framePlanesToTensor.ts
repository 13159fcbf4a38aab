// A VideoFrame's raw planes → the model's input tensor, in one pass.
//
// The worker receives a full-size VideoFrame and copies its planes with `frame.copyTo(buffer)` in the
// frame's own pixel format (no colour conversion, no resize: FACTS.md measures this at a fraction of
// the cost of the createImageBitmap / OffscreenCanvas copies). This module then converts colour,
// resizes (stretch: the whole frame fills the input, see APP_RESIZE_MODE) and normalises straight
// into the float32 [3, H, W] input, so no frame-sized RGBA image is ever made. Per-size resampling
// tables, row buffers and the normalisation table live in a FramePlanesScratch that the caller keeps,
// so a steady stream of same-sized frames allocates no buffers.
//
// In the worker (a sketch; `buffer` grows to frame.allocationSize() and is kept, like `scratch`):
//   if (isFusedFormat(frame.format)) {
//     const planes = await frame.copyTo(buffer);   // no rect: the visible rectangle
//     framePlanesToNchwFloat(buffer, framePlanesOf(frame, planes), { width, height, norm }, input, scratch);
//     frame.close();
//   } // else (format null, 10-bit, 4:2:2 ...): draw it as today.

import type { InputNormalisation } from './modelContract.ts';

// ---- formats and layouts -------------------------------------------------------------------------

/** The WebCodecs pixel formats converted here: 8-bit 4:2:0 YUV and 8-bit 4-byte RGB. */
export type FusedFrameFormat = 'I420' | 'I420A' | 'NV12' | 'RGBA' | 'RGBX' | 'BGRA' | 'BGRX';

export const FUSED_FRAME_FORMATS: readonly FusedFrameFormat[] = ['I420', 'I420A', 'NV12', 'RGBA', 'RGBX', 'BGRA', 'BGRX'];

/**
 * Whether `frame.format` can go through framePlanesToNchwFloat. `null` (an opaque GPU frame) and
 * other formats (I422, I444, 10-bit ...) cannot; the caller then takes the drawImage path.
 */
export function isFusedFormat(format: string | null | undefined): format is FusedFrameFormat {
  return (FUSED_FRAME_FORMATS as readonly (string | null | undefined)[]).includes(format);
}

/** One entry of what `VideoFrame.copyTo` resolves to (WebCodecs PlaneLayout), in bytes. */
export interface PlaneLayoutLike {
  readonly offset: number;
  readonly stride: number;
}

/** WebCodecs `VideoColorSpaceInit` fields that matter here. */
export interface ColorSpaceLike {
  readonly matrix?: string | null;
  readonly fullRange?: boolean | null;
}

/** Luma coefficients of the YUV → RGB matrix: BT.601 (smpte170m, bt470bg), BT.709, BT.2020 NCL. */
export type YuvMatrix = 'bt601' | 'bt709' | 'bt2020';

export interface YuvColour {
  readonly matrix: YuvMatrix;
  /** false: Y in 16..235, U/V in 16..240 ("tv", what video decoders give); true: 0..255 ("pc", JPEG). */
  readonly fullRange: boolean;
}

/**
 * Chromium's own fallback when a frame's colour space is unspecified: it converts with BT.601
 * limited range (PaintCanvasVideoRenderer; its TODO crbug.com/41380578 wants BT.709), so that is what
 * today's createImageBitmap path gives for such frames and what the model has been seeing.
 */
export const DEFAULT_YUV_COLOUR: YuvColour = { matrix: 'bt601', fullRange: false };

/** WebCodecs VideoMatrixCoefficients → matrix ('rgb' is absent: it means no YUV matrix at all). */
const MATRIX_BY_WEBCODECS_NAME: ReadonlyMap<string, YuvMatrix> = new Map([
  ['bt709', 'bt709'],
  ['smpte170m', 'bt601'],
  ['bt470bg', 'bt601'],
  ['bt2020-ncl', 'bt2020'],
]);

/**
 * The YUV matrix and range for `frame.colorSpace`. A missing or unknown matrix (including 'rgb',
 * which YUV frames do not carry in practice) falls back to DEFAULT_YUV_COLOUR's matrix; a missing
 * fullRange means limited range.
 */
export function yuvColourOf(colorSpace: ColorSpaceLike | null | undefined): YuvColour {
  const matrix = MATRIX_BY_WEBCODECS_NAME.get(colorSpace?.matrix ?? '') ?? DEFAULT_YUV_COLOUR.matrix;
  return { matrix, fullRange: colorSpace?.fullRange === true };
}

/** The bytes `copyTo` wrote and how to read them. */
export interface FramePlanes {
  readonly format: FusedFrameFormat;
  /** Size of the copied rectangle in pixels: copyTo's `rect`, by default `frame.visibleRect`. */
  readonly width: number;
  readonly height: number;
  /**
   * copyTo's result, in WebCodecs plane order: Y, U, V (, A) for I420(A); Y, interleaved UV for
   * NV12; the single interleaved plane for RGBA/RGBX/BGRA/BGRX. Alpha is never read.
   */
  readonly planes: readonly PlaneLayoutLike[];
  /** YUV formats only; default DEFAULT_YUV_COLOUR. */
  readonly colour?: YuvColour;
}

/** What the worker needs from a VideoFrame (structural, so tests can pass plain objects). */
export interface VideoFrameLike {
  readonly format: string | null;
  readonly visibleRect: { readonly width: number; readonly height: number } | null;
  readonly colorSpace?: ColorSpaceLike | null;
}

/**
 * Describes what `await frame.copyTo(buffer)` (no `rect` option) wrote: the visible rectangle, in the
 * frame's format, with the layout copyTo returned and the colour from `frame.colorSpace`.
 */
export function framePlanesOf(frame: VideoFrameLike, planes: readonly PlaneLayoutLike[]): FramePlanes {
  if (!isFusedFormat(frame.format)) {
    throw new RangeError(`frame format ${String(frame.format)} is not one of ${FUSED_FRAME_FORMATS.join(', ')}`);
  }
  if (frame.visibleRect === null) throw new RangeError('frame has no visibleRect (closed?)');
  return {
    format: frame.format,
    width: frame.visibleRect.width,
    height: frame.visibleRect.height,
    planes,
    colour: yuvColourOf(frame.colorSpace),
  };
}

interface PlaneShape {
  readonly rowBytes: number;
  readonly rows: number;
}

/** Planes read for each format (alpha left out) with their bytes per row and rows. */
function planeShapes(format: FusedFrameFormat, width: number, height: number): PlaneShape[] {
  const chromaW = (width + 1) >> 1;
  const chromaH = (height + 1) >> 1;
  switch (format) {
    case 'I420':
    case 'I420A':
      return [{ rowBytes: width, rows: height }, { rowBytes: chromaW, rows: chromaH }, { rowBytes: chromaW, rows: chromaH }];
    case 'NV12':
      return [{ rowBytes: width, rows: height }, { rowBytes: 2 * chromaW, rows: chromaH }];
    case 'RGBA':
    case 'RGBX':
    case 'BGRA':
    case 'BGRX':
      return [{ rowBytes: 4 * width, rows: height }];
  }
}

/**
 * Throws a RangeError naming the problem unless every plane that will be read lies inside `pixels`
 * with stride >= its row bytes. Cheap (a few comparisons), so it runs on every frame.
 */
export function checkFramePlanes(pixels: ArrayLike<number>, frame: FramePlanes): void {
  const { format, width, height, planes } = frame;
  if (!isFusedFormat(format)) throw new RangeError(`unsupported frame format ${String(format)}`);
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new RangeError(`frame size must be positive integers, got ${width}x${height}`);
  }
  const shapes = planeShapes(format, width, height);
  if (planes.length < shapes.length) {
    throw new RangeError(`${format} needs ${shapes.length} planes, the layout has ${planes.length}`);
  }
  shapes.forEach(({ rowBytes, rows }, i) => {
    const { offset, stride } = planes[i] as PlaneLayoutLike;
    if (!(Number.isInteger(offset) && offset >= 0 && Number.isInteger(stride))) {
      throw new RangeError(`${format} plane ${i}: offset ${offset} and stride ${stride} must be non-negative integers`);
    }
    if (stride < rowBytes) throw new RangeError(`${format} plane ${i}: stride ${stride} < ${rowBytes} bytes per row`);
    const end = offset + stride * (rows - 1) + rowBytes;
    if (end > pixels.length) {
      throw new RangeError(`${format} ${width}x${height} plane ${i} ends at byte ${end}, the buffer has ${pixels.length}`);
    }
  });
}

// ---- resampling ------------------------------------------------------------------------------------

/**
 * 'area': each output pixel averages the source pixels its footprint covers, weighted by coverage
 * (OpenCV INTER_AREA); when enlarging, bilinear. For a 2x reduction this equals bilinear sampling at
 * pixel centres, which is what createImageBitmap's resizeQuality 'low' does, and for large reductions
 * (3840 → 480) it does not alias where bilinear would skip most pixels.
 * 'bilinear': 2x2 taps at pixel centres whatever the ratio (Skia's linear sampling without mipmaps).
 */
export type ResampleFilter = 'area' | 'bilinear';

/**
 * Separable resampling taps along one axis: output i reads source samples start[i] .. start[i]+k-1
 * (always inside the source) with weights weight[i*k .. i*k+k-1], which sum to 1.
 */
interface Taps {
  readonly outCount: number;
  readonly k: number;
  readonly start: Int32Array;
  readonly weight: Float64Array;
}

/**
 * Taps that map `outCount` output pixels onto a source axis of `srcCount` samples whose pixel
 * footprint spans `srcExtent` sample units (srcCount, except for the chroma of odd-sized 4:2:0
 * frames, where the last chroma sample covers only one luma pixel). Pixel-centre alignment:
 * output pixel i covers [i, i+1) * srcExtent / outCount.
 */
function buildTaps(srcExtent: number, srcCount: number, outCount: number, filter: ResampleFilter): Taps {
  const scale = srcExtent / outCount;
  const lists: { index: number[]; weight: number[] }[] = [];
  let k = 1;
  const clampIndex = (j: number): number => Math.min(srcCount - 1, Math.max(0, j));
  for (let i = 0; i < outCount; i++) {
    const index: number[] = [];
    const weight: number[] = [];
    const add = (j: number, w: number): void => {
      if (!(w > 0)) return;
      const c = clampIndex(j);
      const at = index.indexOf(c);
      if (at >= 0) weight[at] = (weight[at] as number) + w;
      else {
        index.push(c);
        weight.push(w);
      }
    };
    if (filter === 'area' && scale > 1) {
      const lo = i * scale;
      const hi = (i + 1) * scale;
      for (let j = Math.floor(lo); j < hi; j++) add(j, Math.min(hi, j + 1) - Math.max(lo, j));
    } else {
      const centre = (i + 0.5) * scale - 0.5;
      const j0 = Math.floor(centre);
      const f = centre - j0;
      add(j0, 1 - f);
      add(j0 + 1, f);
    }
    const sum = weight.reduce((a, b) => a + b, 0);
    lists.push({ index, weight: weight.map((w) => w / sum) });
    k = Math.max(k, Math.max(...index) - Math.min(...index) + 1);
  }
  k = Math.min(k, srcCount);
  const start = new Int32Array(outCount);
  const weight = new Float64Array(outCount * k);
  lists.forEach((list, i) => {
    // A window of k samples that holds every tap and stays inside the source; unused slots weigh 0.
    const s = Math.min(Math.min(...list.index), srcCount - k);
    start[i] = s;
    list.index.forEach((j, t) => {
      weight[i * k + (j - s)] = list.weight[t] as number;
    });
  });
  return { outCount, k, start, weight };
}

/** Rebuilds the taps only when the sizes or the filter change. */
class TapsCache {
  private srcExtent = 0;
  private srcCount = 0;
  private filter: ResampleFilter = 'area';
  private taps: Taps | null = null;

  get(srcExtent: number, srcCount: number, outCount: number, filter: ResampleFilter): Taps {
    const t = this.taps;
    if (t !== null && t.outCount === outCount && this.srcExtent === srcExtent && this.srcCount === srcCount && this.filter === filter) {
      return t;
    }
    const built = buildTaps(srcExtent, srcCount, outCount, filter);
    this.taps = built;
    this.srcExtent = srcExtent;
    this.srcCount = srcCount;
    this.filter = filter;
    return built;
  }
}

// ---- normalisation ---------------------------------------------------------------------------------

/**
 * Rounded RGB values index a table shifted by LUT_ZERO, so the values a YUV matrix can produce out of
 * 0..255 (about -300..560 for limited-range BT.2020) clamp through the table, without branches.
 */
const LUT_ZERO = 512;
const LUT_SIZE = 1536;

/**
 * Per output plane c: entry [c * LUT_SIZE + LUT_ZERO + v] = (clamp(v, 0, 255) / scale - mean[c]) / std[c],
 * computed like preprocess.ts's normalisationTable so 8-bit inputs give the same floats as rgbaToNchwFloat.
 */
function clampedNormalisationTable(norm: InputNormalisation): Float32Array {
  const lut = new Float32Array(3 * LUT_SIZE);
  for (let c = 0; c < 3; c++) {
    const mean = norm.mean[c] as number;
    const std = norm.std[c] as number;
    for (let i = 0; i < LUT_SIZE; i++) {
      const v = Math.min(255, Math.max(0, i - LUT_ZERO));
      lut[c * LUT_SIZE + i] = (v / norm.scale - mean) / std;
    }
  }
  return lut;
}

function sameNorm(a: InputNormalisation, b: InputNormalisation): boolean {
  return a.channelOrder === b.channelOrder && a.scale === b.scale &&
    a.mean[0] === b.mean[0] && a.mean[1] === b.mean[1] && a.mean[2] === b.mean[2] &&
    a.std[0] === b.std[0] && a.std[1] === b.std[1] && a.std[2] === b.std[2];
}

// ---- YUV → RGB -------------------------------------------------------------------------------------

const LUMA_COEFFICIENTS: Readonly<Record<YuvMatrix, { readonly kr: number; readonly kb: number }>> = {
  bt601: { kr: 0.299, kb: 0.114 },
  bt709: { kr: 0.2126, kb: 0.0722 },
  bt2020: { kr: 0.2627, kb: 0.0593 },
};

/** R = y*Y + rv*V + r0, G = y*Y + gu*U + gv*V + g0, B = y*Y + bu*U + b0 on 8-bit codes, RGB in 0..255. */
export interface YuvToRgbCoefficients {
  readonly y: number;
  readonly rv: number;
  readonly gu: number;
  readonly gv: number;
  readonly bu: number;
  readonly r0: number;
  readonly g0: number;
  readonly b0: number;
}

/** The textbook (ITU-R) 8-bit YUV → RGB matrix, offsets folded in. */
export function yuvToRgbCoefficients({ matrix, fullRange }: YuvColour): YuvToRgbCoefficients {
  const { kr, kb } = LUMA_COEFFICIENTS[matrix];
  const kg = 1 - kr - kb;
  // Limited range: Y 16..235 (219 steps), chroma 16..240 (224 steps) around 128.
  const yScale = fullRange ? 1 : 255 / 219;
  const cScale = fullRange ? 1 : 255 / 224;
  const yOffset = fullRange ? 0 : 16;
  const rv = 2 * (1 - kr) * cScale;
  const bu = 2 * (1 - kb) * cScale;
  const gu = -((2 * kb * (1 - kb)) / kg) * cScale;
  const gv = -((2 * kr * (1 - kr)) / kg) * cScale;
  const y0 = -yOffset * yScale;
  return { y: yScale, rv, gu, gv, bu, r0: y0 - 128 * rv, g0: y0 - 128 * (gu + gv), b0: y0 - 128 * bu };
}

// ---- scratch ---------------------------------------------------------------------------------------

/**
 * Everything framePlanesToNchwFloat reuses between frames: resampling taps per axis, row buffers and
 * the normalisation table. Keep one per worker; it adapts (rebuilds) when sizes or the contract change.
 */
export class FramePlanesScratch {
  readonly lumaX = new TapsCache();
  readonly lumaY = new TapsCache();
  readonly chromaX = new TapsCache();
  readonly chromaY = new TapsCache();
  private rows: [Float64Array, Float64Array, Float64Array] = [new Float64Array(0), new Float64Array(0), new Float64Array(0)];
  private outRows: [Float64Array, Float64Array, Float64Array] = [new Float64Array(0), new Float64Array(0), new Float64Array(0)];
  private norm: InputNormalisation | null = null;
  private lut: Float32Array = new Float32Array(0);

  /** Three row buffers of at least `length` samples each; they only ever grow. */
  rowBuffers(length: number): readonly [Float64Array, Float64Array, Float64Array] {
    if (this.rows[0].length < length) this.rows = [new Float64Array(length), new Float64Array(length), new Float64Array(length)];
    return this.rows;
  }

  /** Three buffers for one resampled output row; they only ever grow. */
  outRowBuffers(length: number): readonly [Float64Array, Float64Array, Float64Array] {
    if (this.outRows[0].length < length) this.outRows = [new Float64Array(length), new Float64Array(length), new Float64Array(length)];
    return this.outRows;
  }

  normalisationTable(norm: InputNormalisation): Float32Array {
    if (this.norm === null || (this.norm !== norm && !sameNorm(this.norm, norm))) {
      this.lut = clampedNormalisationTable(norm);
      this.norm = norm;
    }
    return this.lut;
  }
}

// ---- the conversion --------------------------------------------------------------------------------

/** The model input to fill: its size and normalisation (from the model contract). */
export interface TensorTarget {
  readonly width: number;
  readonly height: number;
  readonly norm: InputNormalisation;
  /** Default 'area'. */
  readonly filter?: ResampleFilter;
}

/**
 * Converts the copied planes of one frame into the planar float32 [3, target.height, target.width]
 * model input `out`: YUV → RGB (frame.colour), rounded to 8 bits like an RGBA copy would be, the whole
 * frame resampled onto the target (stretch), then x = (v / scale - mean[c]) / std[c] in
 * norm.channelOrder. For RGB formats at the target size this equals rgbaToNchwFloat exactly.
 * Pass the same `scratch` every frame; without one, this call allocates its tables.
 */
export function framePlanesToNchwFloat(
  pixels: Uint8Array | Uint8ClampedArray,
  frame: FramePlanes,
  target: TensorTarget,
  out: Float32Array,
  scratch: FramePlanesScratch = new FramePlanesScratch(),
): Float32Array {
  checkFramePlanes(pixels, frame);
  const { width: outW, height: outH } = target;
  if (!(Number.isInteger(outW) && Number.isInteger(outH) && outW > 0 && outH > 0)) {
    throw new RangeError(`target size must be positive integers, got ${outW}x${outH}`);
  }
  if (out.length !== 3 * outW * outH) {
    throw new RangeError(`output has ${out.length} floats, [3, ${outH}, ${outW}] needs ${3 * outW * outH}`);
  }
  const filter = target.filter ?? 'area';
  const lut = scratch.normalisationTable(target.norm);
  // Output plane of R and B (G is always plane 1), and the table section that goes with it.
  const bgr = target.norm.channelOrder === 'BGR';
  const dest: Destination = { out, plane: outW * outH, outW, outH, rPlane: bgr ? 2 : 0, bPlane: bgr ? 0 : 2, lut };
  const { width, height } = frame;
  const x = scratch.lumaX.get(width, width, outW, filter);
  const y = scratch.lumaY.get(height, height, outH, filter);
  switch (frame.format) {
    case 'I420':
    case 'I420A':
    case 'NV12': {
      const chromaW = (width + 1) >> 1;
      const chromaH = (height + 1) >> 1;
      const cx = scratch.chromaX.get(width / 2, chromaW, outW, filter);
      const cy = scratch.chromaY.get(height / 2, chromaH, outH, filter);
      yuv420ToNchw(pixels, frame, yuvToRgbCoefficients(frame.colour ?? DEFAULT_YUV_COLOUR), x, y, cx, cy, scratch, dest);
      break;
    }
    case 'RGBA':
    case 'RGBX':
      rgb32ToNchw(pixels, frame, 0, 2, x, y, scratch, dest);
      break;
    case 'BGRA':
    case 'BGRX':
      rgb32ToNchw(pixels, frame, 2, 0, x, y, scratch, dest);
      break;
  }
  return out;
}

interface Destination {
  readonly out: Float32Array;
  readonly plane: number;
  readonly outW: number;
  readonly outH: number;
  readonly rPlane: number;
  readonly bPlane: number;
  readonly lut: Float32Array;
}

/**
 * row[x] = sum over t < k of weight[w + t] * src[base + t * stride + x * step], x < n: the vertical
 * half of the separable resample, for one output row and one (possibly interleaved) channel.
 * One to three taps (the usual cases: copy, bilinear, area at <= 2x) get their own loops.
 */
function verticalPass(
  src: Uint8Array | Uint8ClampedArray,
  base: number,
  stride: number,
  step: number,
  weight: Float64Array,
  w: number,
  k: number,
  row: Float64Array,
  n: number,
): void {
  const w0 = weight[w] as number;
  const w1 = k > 1 ? (weight[w + 1] as number) : 0;
  const w2 = k > 2 ? (weight[w + 2] as number) : 0;
  if (k === 1 || (k === 2 && w1 === 0)) {
    for (let x = 0, s = base; x < n; x++, s += step) row[x] = src[s] as number;
  } else if (k === 2 || (k === 3 && w2 === 0)) {
    for (let x = 0, s = base, s1 = base + stride; x < n; x++, s += step, s1 += step) {
      row[x] = (src[s] as number) * w0 + (src[s1] as number) * w1;
    }
  } else if (k === 3) {
    for (let x = 0, s = base, s1 = base + stride, s2 = base + 2 * stride; x < n; x++, s += step, s1 += step, s2 += step) {
      row[x] = (src[s] as number) * w0 + (src[s1] as number) * w1 + (src[s2] as number) * w2;
    }
  } else if (uniform(weight, w, k)) {
    // Integer reductions (area 3x, 4x, 6x, 8x ...): every tap weighs 1/k, so sum, then scale once.
    const kStride = k * stride;
    for (let x = 0, s = base; x < n; x++, s += step) {
      let acc = 0;
      for (let st = s, end = s + kStride; st < end; st += stride) acc += src[st] as number;
      row[x] = acc * w0;
    }
  } else {
    for (let x = 0, s = base; x < n; x++, s += step) {
      let acc = 0;
      for (let t = 0, st = s; t < k; t++, st += stride) acc += (src[st] as number) * (weight[w + t] as number);
      row[x] = acc;
    }
  }
}

/** dst[i] = sum over t < k of weight[i * k + t] * row[start[i] + t], i < taps.outCount. */
function horizontalPass(row: Float64Array, taps: Taps, dst: Float64Array): void {
  const { outCount: n, k, start, weight } = taps;
  if (k === 1) {
    for (let i = 0; i < n; i++) dst[i] = row[start[i] as number] as number;
  } else if (k === 2) {
    for (let i = 0, w = 0; i < n; i++, w += 2) {
      const s = start[i] as number;
      dst[i] = (row[s] as number) * (weight[w] as number) + (row[s + 1] as number) * (weight[w + 1] as number);
    }
  } else {
    for (let i = 0, w = 0; i < n; i++, w += k) {
      let acc = 0;
      for (let t = 0, s = start[i] as number; t < k; t++, s++) acc += (row[s] as number) * (weight[w + t] as number);
      dst[i] = acc;
    }
  }
}

function uniform(weight: Float64Array, w: number, k: number): boolean {
  const w0 = weight[w];
  for (let t = 1; t < k; t++) if (weight[w + t] !== w0) return false;
  return true;
}

function yuv420ToNchw(
  px: Uint8Array | Uint8ClampedArray,
  frame: FramePlanes,
  m: YuvToRgbCoefficients,
  lx: Taps,
  ly: Taps,
  cx: Taps,
  cy: Taps,
  scratch: FramePlanesScratch,
  d: Destination,
): void {
  const { width } = frame;
  const chromaW = (width + 1) >> 1;
  const nv12 = frame.format === 'NV12';
  const yPlane = frame.planes[0] as PlaneLayoutLike;
  const uPlane = frame.planes[1] as PlaneLayoutLike;
  // NV12: U and V interleaved in plane 1, V one byte after U.
  const vPlane = nv12 ? { offset: uPlane.offset + 1, stride: uPlane.stride } : (frame.planes[2] as PlaneLayoutLike);
  const chromaStep = nv12 ? 2 : 1;
  const [rowY, rowU, rowV] = scratch.rowBuffers(width);
  const { out, plane, outW, outH, lut } = d;
  const rBase = d.rPlane * plane;
  const gBase = plane;
  const bBase = d.bPlane * plane;
  const rLut = d.rPlane * LUT_SIZE;
  const gLut = LUT_SIZE;
  const bLut = d.bPlane * LUT_SIZE;
  // +LUT_ZERO shifts into the table, +0.5 makes the truncating `| 0` round (values are positive there).
  const shift = LUT_ZERO + 0.5;
  const r0 = m.r0 + shift;
  const g0 = m.g0 + shift;
  const b0 = m.b0 + shift;
  const { y: my, rv, gu, gv, bu } = m;
  const [outY, outU, outV] = scratch.outRowBuffers(outW);
  for (let oy = 0; oy < outH; oy++) {
    verticalPass(px, yPlane.offset + (ly.start[oy] as number) * yPlane.stride, yPlane.stride, 1, ly.weight, oy * ly.k, ly.k, rowY, width);
    const cRow = cy.start[oy] as number;
    verticalPass(px, uPlane.offset + cRow * uPlane.stride, uPlane.stride, chromaStep, cy.weight, oy * cy.k, cy.k, rowU, chromaW);
    verticalPass(px, vPlane.offset + cRow * vPlane.stride, vPlane.stride, chromaStep, cy.weight, oy * cy.k, cy.k, rowV, chromaW);
    horizontalPass(rowY, lx, outY);
    horizontalPass(rowU, cx, outU);
    horizontalPass(rowV, cx, outV);
    for (let ox = 0, o = oy * outW; ox < outW; ox++, o++) {
      const yy = (outY[ox] as number) * my;
      const U = outU[ox] as number;
      const V = outV[ox] as number;
      out[rBase + o] = lut[rLut + ((yy + rv * V + r0) | 0)] as number;
      out[gBase + o] = lut[gLut + ((yy + gu * U + gv * V + g0) | 0)] as number;
      out[bBase + o] = lut[bLut + ((yy + bu * U + b0) | 0)] as number;
    }
  }
}

/** RGBA/RGBX (r at byte 0, b at byte 2) and BGRA/BGRX (r at 2, b at 0); the fourth byte is ignored. */
function rgb32ToNchw(
  px: Uint8Array | Uint8ClampedArray,
  frame: FramePlanes,
  rByte: number,
  bByte: number,
  lx: Taps,
  ly: Taps,
  scratch: FramePlanesScratch,
  d: Destination,
): void {
  const { width } = frame;
  const { offset, stride } = frame.planes[0] as PlaneLayoutLike;
  const [rowR, rowG, rowB] = scratch.rowBuffers(width);
  const { out, plane, outW, outH, lut } = d;
  const rBase = d.rPlane * plane;
  const gBase = plane;
  const bBase = d.bPlane * plane;
  const rLut = d.rPlane * LUT_SIZE + LUT_ZERO + 0.5;
  const gLut = LUT_SIZE + LUT_ZERO + 0.5;
  const bLut = d.bPlane * LUT_SIZE + LUT_ZERO + 0.5;
  const [outR, outG, outB] = scratch.outRowBuffers(outW);
  for (let oy = 0; oy < outH; oy++) {
    const rowBase = offset + (ly.start[oy] as number) * stride;
    verticalPass(px, rowBase + rByte, stride, 4, ly.weight, oy * ly.k, ly.k, rowR, width);
    verticalPass(px, rowBase + 1, stride, 4, ly.weight, oy * ly.k, ly.k, rowG, width);
    verticalPass(px, rowBase + bByte, stride, 4, ly.weight, oy * ly.k, ly.k, rowB, width);
    horizontalPass(rowR, lx, outR);
    horizontalPass(rowG, lx, outG);
    horizontalPass(rowB, lx, outB);
    for (let ox = 0, o = oy * outW; ox < outW; ox++, o++) {
      out[rBase + o] = lut[((outR[ox] as number) + rLut) | 0] as number;
      out[gBase + o] = lut[((outG[ox] as number) + gLut) | 0] as number;
      out[bBase + o] = lut[((outB[ox] as number) + bLut) | 0] as number;
    }
  }
}
