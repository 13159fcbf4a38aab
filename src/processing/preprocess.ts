// Frame → model input, and model output → class map. Runs per frame at 360x480 (in the worker and
// the Node CLIs), so every frame-sized result can go into a caller-provided buffer.

import type { InputNormalisation } from './modelContract.ts';

/**
 * RGBA (8-bit, interleaved, row-major) → planar float32 [3, H, W] with
 * x = (pixel / scale - mean[c]) / std[c], channels in `norm.channelOrder`. Alpha is ignored.
 * The formula is evaluated once per channel and 8-bit value into a 3x256 table (in float64, then
 * rounded to float32), so results equal the direct float64 computation of the formula.
 */
export function rgbaToNchwFloat(
  rgba: Uint8ClampedArray | Uint8Array,
  width: number,
  height: number,
  norm: InputNormalisation,
  out?: Float32Array,
): Float32Array {
  const plane = width * height;
  if (rgba.length < plane * 4) {
    throw new RangeError(`rgba has ${rgba.length} bytes, ${width}x${height} needs ${plane * 4}`);
  }
  const result = out ?? new Float32Array(plane * 3);
  if (result.length !== plane * 3) {
    throw new RangeError(`output has ${result.length} floats, [3, ${height}, ${width}] needs ${plane * 3}`);
  }
  const lut = normalisationTable(norm);
  // Source byte offset (0 = R, 2 = B) of each output plane.
  const bgr = norm.channelOrder === 'BGR';
  const src0 = bgr ? 2 : 0;
  const src2 = bgr ? 0 : 2;
  for (let p = 0, s = 0; p < plane; p++, s += 4) {
    result[p] = lut[(rgba[s + src0] as number)] as number;
    result[plane + p] = lut[256 + (rgba[s + 1] as number)] as number;
    result[2 * plane + p] = lut[512 + (rgba[s + src2] as number)] as number;
  }
  return result;
}

/** 3x256 table: entry [c * 256 + v] = (v / scale - mean[c]) / std[c], c in output-plane order. */
function normalisationTable(norm: InputNormalisation): Float32Array {
  const lut = new Float32Array(3 * 256); // 3 KB, not frame-sized.
  for (let c = 0; c < 3; c++) {
    const mean = norm.mean[c] as number;
    const std = norm.std[c] as number;
    for (let v = 0; v < 256; v++) lut[c * 256 + v] = (v / norm.scale - mean) / std;
  }
  return lut;
}

export type ResizeMode = 'stretch' | 'contain';

/**
 * What the app uses: 'stretch'. The model was trained on CamVid's 4:3 frames resized to 360x480
 * without bars, so stretching is exact for 4:3 sources and only mildly distorts 16:9 dashcams,
 * while 'contain' would feed the model black bars it never saw in training.
 */
export const APP_RESIZE_MODE: ResizeMode = 'stretch';

export interface DrawRect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/**
 * Where a srcW x srcH frame is drawn inside a dstW x dstH model input. 'stretch' fills the whole
 * input; 'contain' keeps the aspect ratio and centres the frame with bars (integer pixels, bars
 * split evenly with any odd pixel on the right/bottom).
 */
export function letterboxRect(srcW: number, srcH: number, dstW: number, dstH: number, mode: ResizeMode): DrawRect {
  if (!(srcW > 0 && srcH > 0 && dstW > 0 && dstH > 0)) {
    throw new RangeError(`letterboxRect needs positive sizes, got ${srcW}x${srcH} → ${dstW}x${dstH}`);
  }
  if (mode === 'stretch') return { x: 0, y: 0, width: dstW, height: dstH };
  const scale = Math.min(dstW / srcW, dstH / srcH);
  const width = Math.min(dstW, Math.round(srcW * scale));
  const height = Math.min(dstH, Math.round(srcH * scale));
  return { x: Math.floor((dstW - width) / 2), y: Math.floor((dstH - height) / 2), width, height };
}

/**
 * Nearest-neighbour resize for class maps and label images (never interpolate ids).
 * Pixel-centre convention: src = floor((dst + 0.5) * srcSize / dstSize), computed in exact integer
 * arithmetic. This is PIL's Image.NEAREST, cv2.INTER_NEAREST_EXACT and torch 'nearest-exact';
 * note that cv2.INTER_NEAREST and torch 'nearest' use floor(dst * srcSize / dstSize) instead.
 */
export function resizeNearestU8(
  src: Uint8Array,
  sw: number,
  sh: number,
  dst: Uint8Array,
  dw: number,
  dh: number,
): Uint8Array {
  if (src.length < sw * sh) throw new RangeError(`source has ${src.length} bytes, ${sw}x${sh} needs ${sw * sh}`);
  if (dst.length < dw * dh) throw new RangeError(`destination has ${dst.length} bytes, ${dw}x${dh} needs ${dw * dh}`);
  if (sw === dw && sh === dh) {
    dst.set(src.subarray(0, sw * sh));
    return dst;
  }
  for (let y = 0; y < dh; y++) {
    const sy = nearestIndex(y, sh, dh);
    const srcRow = sy * sw;
    const dstRow = y * dw;
    for (let x = 0; x < dw; x++) {
      dst[dstRow + x] = src[srcRow + nearestIndex(x, sw, dw)] as number;
    }
  }
  return dst;
}

/** floor((i + 0.5) * srcSize / dstSize) without floating-point error, clamped to the source. */
function nearestIndex(i: number, srcSize: number, dstSize: number): number {
  return Math.min(srcSize - 1, Math.floor(((2 * i + 1) * srcSize) / (2 * dstSize)));
}

/**
 * Per-pixel argmax over the channel axis of planar logits [C, H, W] into a uint8 class map.
 * Ties go to the lowest channel (numpy.argmax / ONNX ArgMax with select_last_index=0). NaN never wins.
 */
export function argmaxChannels(logits: Float32Array, C: number, H: number, W: number, out: Uint8Array): Uint8Array {
  const plane = H * W;
  if (C < 1 || C > 256) throw new RangeError(`argmaxChannels: C must be 1..256 for a uint8 map, got ${C}`);
  if (logits.length < C * plane) throw new RangeError(`logits have ${logits.length} floats, [${C}, ${H}, ${W}] needs ${C * plane}`);
  if (out.length < plane) throw new RangeError(`output has ${out.length} bytes, ${W}x${H} needs ${plane}`);
  for (let p = 0; p < plane; p++) {
    let best = 0;
    let bestValue = logits[p] as number;
    for (let c = 1, i = plane + p; c < C; c++, i += plane) {
      const v = logits[i] as number;
      // Strict `>` keeps the first maximum; NaN compares false so it never wins, and a NaN in
      // channel 0 gives way to the first real number.
      if (v > bestValue || (bestValue !== bestValue && v === v)) {
        bestValue = v;
        best = c;
      }
    }
    out[p] = best;
  }
  return out;
}
