// Compares what the TypeScript side computes for the golden frame (preprocessing, then the ONNX
// model under onnxruntime-web) with what models/export.py recorded from PyTorch. Pure: the test
// feeds it real outputs, and corrupted copies to show that each check can fail.

import type { GoldenJson } from './modelFiles.ts';

/** Stated tolerances (STYLE.md convention 8). */
export const PARITY_TOLERANCES = {
  /** Fraction of class-map pixels that must equal PyTorch's (ties near class boundaries may flip). */
  minClassmapAgreement: 0.999,
  /** Max |ORT logit - PyTorch logit|. */
  maxLogitDiff: 1e-3,
  /** Max |TS input value - Python input value| at the sampled indices (float32 rounding only). */
  maxPreprocessDiff: 1e-6,
  /** Max relative difference of the per-channel float64 sums of the input tensor. */
  maxChannelSumRelDiff: 1e-6,
} as const;

export interface ParityInputs {
  readonly golden: GoldenJson;
  readonly goldenLogits: Float32Array;
  readonly goldenClassmap: Uint8Array;
  /** sha256 of the frame file that was decoded. */
  readonly frameSha256: string;
  /** The TypeScript-preprocessed NCHW input tensor. */
  readonly input: Float32Array;
  readonly onnxLogits: Float32Array;
  readonly onnxLogitsDims: readonly number[];
  /** uint8 / int32 / int64 class ids. */
  readonly onnxClassmap: ArrayLike<number | bigint>;
  readonly onnxClassmapDims: readonly number[];
}

export interface ParityReport {
  readonly classmapAgreement: number;
  readonly maxLogitDiff: number;
  readonly maxPreprocessDiff: number;
  readonly maxChannelSumRelDiff: number;
  readonly problems: {
    readonly frame: string[];
    readonly preprocess: string[];
    readonly classmap: string[];
    readonly logits: string[];
  };
}

/** |a - b|, with NaN counted as an infinite difference so it can never pass. */
const absDiff = (a: number, b: number): number => {
  const d = Math.abs(a - b);
  return Number.isNaN(d) ? Infinity : d;
};

const sameDims = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

export function goldenParity(x: ParityInputs, tol = PARITY_TOLERANCES): ParityReport {
  const problems: ParityReport['problems'] = { frame: [], preprocess: [], classmap: [], logits: [] };

  if (x.frameSha256 !== x.golden.frameSha256) {
    problems.frame.push(`frame ${x.golden.frame} hashes to ${x.frameSha256}, golden.json expects ${x.golden.frameSha256} (a different frame?)`);
  }

  // (c) preprocessing: sampled values and channel sums.
  const { index, value } = x.golden.preprocessSamples;
  let maxPreprocessDiff = 0;
  let worst = -1;
  if (index.length !== value.length || index.length === 0) {
    problems.preprocess.push(`golden.json has ${index.length} sample indices and ${value.length} values`);
  }
  for (let i = 0; i < Math.min(index.length, value.length); i++) {
    const at = index[i] as number;
    const d = at < x.input.length ? absDiff(x.input[at] as number, value[i] as number) : Infinity;
    if (d > maxPreprocessDiff) {
      maxPreprocessDiff = d;
      worst = at;
    }
  }
  if (!(maxPreprocessDiff <= tol.maxPreprocessDiff)) {
    problems.preprocess.push(`input value at flat index ${worst} differs from Python by ${maxPreprocessDiff} (> ${tol.maxPreprocessDiff})`);
  }
  const sums = x.golden.preprocessChannelSums;
  const plane = x.input.length / sums.length;
  let maxChannelSumRelDiff = 0;
  sums.forEach((want, c) => {
    let sum = 0;
    for (let p = c * plane; p < (c + 1) * plane; p++) sum += x.input[p] as number;
    const rel = Math.abs(sum - want) / Math.max(Math.abs(want), 1e-12);
    maxChannelSumRelDiff = Math.max(maxChannelSumRelDiff, rel);
    if (!(rel <= tol.maxChannelSumRelDiff)) {
      problems.preprocess.push(`channel ${c} sum ${sum} vs Python ${want}: relative difference ${rel} (> ${tol.maxChannelSumRelDiff})`);
    }
  });

  // (a) class map agreement.
  let classmapAgreement = 0;
  if (!sameDims(x.onnxClassmapDims, x.golden.classmapShape) || x.goldenClassmap.length !== x.onnxClassmap.length) {
    problems.classmap.push(`ONNX class map dims [${x.onnxClassmapDims}] vs golden [${x.golden.classmapShape}]`);
  } else {
    let same = 0;
    for (let i = 0; i < x.goldenClassmap.length; i++) {
      if (Number(x.onnxClassmap[i]) === x.goldenClassmap[i]) same++;
    }
    classmapAgreement = same / x.goldenClassmap.length;
    if (!(classmapAgreement >= tol.minClassmapAgreement)) {
      problems.classmap.push(`class maps agree on ${(classmapAgreement * 100).toFixed(3)} % of pixels (< ${tol.minClassmapAgreement * 100} %)`);
    }
  }

  // (b) logits.
  let maxLogitDiff = Infinity;
  if (!sameDims(x.onnxLogitsDims, x.golden.logitsShape) || x.goldenLogits.length !== x.onnxLogits.length) {
    problems.logits.push(`ONNX logits dims [${x.onnxLogitsDims}] vs golden [${x.golden.logitsShape}]`);
  } else {
    maxLogitDiff = 0;
    for (let i = 0; i < x.goldenLogits.length; i++) {
      const d = absDiff(x.onnxLogits[i] as number, x.goldenLogits[i] as number);
      if (d > maxLogitDiff) maxLogitDiff = d;
    }
    if (!(maxLogitDiff <= tol.maxLogitDiff)) {
      problems.logits.push(`max |logit difference| ${maxLogitDiff} (> ${tol.maxLogitDiff})`);
    }
  }

  return { classmapAgreement, maxLogitDiff, maxPreprocessDiff, maxChannelSumRelDiff, problems };
}
