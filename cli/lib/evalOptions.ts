// The command line of `npm run eval` (cli/eval.ts).

import { formatUsage, parseArgs, type FlagSpecs, type ParsedFlags } from './args.ts';
import path from 'node:path';
import { DEFAULT_MODEL_NAME, MODEL_ROLES, shippedModelByRole, shippedModelFile } from '../../src/processing/shippedModels.ts';
import { STABILISE_BY_DEFAULT } from '../../src/processing/temporalStabiliser.ts';
import { DROP_FLOATING_BY_DEFAULT, UPSAMPLE_BY_DEFAULT } from '../../src/processing/maskPostprocess.ts';

export const DEFAULT_MODEL = shippedModelFile(DEFAULT_MODEL_NAME);

export const EVAL_FLAGS = {
  images: { kind: 'string', metavar: 'DIR', required: true, description: 'folder of frames (.png, .jpg, .jpeg, .webp, .bmp)' },
  labels: {
    kind: 'string',
    metavar: 'DIR',
    required: true,
    description: 'folder of CamVid-format label PNGs, <image name>.png, pixel = class id (void is skipped)',
  },
  model: {
    kind: 'string',
    metavar: 'FILE.onnx|NAME',
    default: DEFAULT_MODEL,
    description: `model: a file (its contract is FILE.json next to it; without one it is derived from the graph) or the toolbar's name of a shipped model (${MODEL_ROLES.join(', ')})`,
  },
  backend: { kind: 'enum', values: ['wasm', 'webgpu'] as const, default: 'wasm', description: 'onnxruntime-web backend in the browser' },
  stabilise: {
    kind: 'enum',
    values: ['on', 'off'] as const,
    default: STABILISE_BY_DEFAULT ? 'on' : 'off',
    description: "which masks the headline mIoU, per-frame rows and worst frames are about: through the app's temporal stabiliser (on) or as the model gives them (off); both are always reported",
  },
  upsample: {
    kind: 'enum',
    values: ['guided', 'nearest'] as const,
    default: UPSAMPLE_BY_DEFAULT,
    description: "which masks the headline figures are about: brought to the picture's size by the app's guided (edge-aware) upsampling or NEAREST; both are always reported, with boundary IoU",
  },
  floating: {
    kind: 'enum',
    values: ['drop', 'keep'] as const,
    default: DROP_FLOATING_BY_DEFAULT ? 'drop' : 'keep',
    description: "the app's check for objects in the sky, applied to the class maps before every variant: relabel a car, person or road patch lying wholly far above where the road ends (drop) or leave the maps as the model gives them (keep)",
  },
  json: { kind: 'string', metavar: 'OUT.json', description: 'write mIoU, per-class IoU, confusion matrix and run details' },
  csv: { kind: 'string', metavar: 'OUT.csv', description: 'write one row per frame (file, miou, pixel_accuracy, ms, ...)' },
  report: { kind: 'string', metavar: 'OUT.html', description: 'write a self-contained HTML report (charts, worst frames)' },
  limit: { kind: 'int', metavar: 'N', min: 1, description: 'evaluate only the first N frames (by file name)' },
  verbose: { kind: 'boolean', description: "echo the browser's console" },
} as const satisfies FlagSpecs;

export type EvalFlags = ParsedFlags<typeof EVAL_FLAGS>;

export const EVAL_USAGE = formatUsage(
  'npm run eval --',
  EVAL_FLAGS,
  "Scores a segmentation model on labelled frames with the app's own pipeline (worker, onnxruntime-web,\n" +
    'preprocessing) in headless Chromium, and prints per-class IoU, mIoU, boundary IoU, pixel accuracy and\n' +
    'the flicker rate (frames in file-name order), with temporal stabilisation off and on and with NEAREST\n' +
    'and guided upsampling.\n' +
    'Example: npm run eval -- --images samples/data/camvid-val/images --labels samples/data/camvid-val/labels',
);

/** Parses `npm run eval` arguments; throws UsageError. null means --help. */
export function parseEvalArgs(argv: readonly string[]): EvalFlags | null {
  const result = parseArgs(argv, EVAL_FLAGS);
  return result.help ? null : result.flags;
}

/**
 * The model file `--model` names: the default and the toolbar's names (fast, balanced, accurate) are
 * the shipped models under the project root, so a figure is about what ships under that name; any
 * other value is a path from the working directory.
 */
export function evalModelPath(flag: string, projectRoot: string, fromCwd: (p: string) => string): string {
  const role = shippedModelByRole(flag);
  if (role) return path.join(projectRoot, shippedModelFile(role.name));
  return flag === DEFAULT_MODEL ? path.join(projectRoot, DEFAULT_MODEL) : fromCwd(flag);
}
