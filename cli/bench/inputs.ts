// Which files the bench serves: the models (with --size applied) and the video, checked on disk
// before the browser starts, and the URLs the page loads them from.

import { DEFAULT_MASK_POSTPROCESS, type MaskPostprocessSettings } from '../../src/processing/maskPostprocess.ts';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { routedUrlPath } from '../../tools/browser/routeFiles.ts';
import { CliError } from '../lib/errors.ts';
import { readContractFile, resolveModelFiles, type ModelFiles } from '../lib/modelFiles.ts';
import { DEFAULT_MODEL_SPEC, DEFAULT_VIDEO_SPEC, type InputSize } from './args.ts';
import { DEFAULT_MODEL_NAME, shippedModelByRole, shippedModelFile } from '../../src/processing/shippedModels.ts';

/** Where the shipped model lives (served from dist/models/ at /models/). */
export const DEFAULT_MODEL_FILE = shippedModelFile(DEFAULT_MODEL_NAME);
export const DEFAULT_VIDEO_FILE = 'samples/data/solidWhiteRight.mp4';
/** Must match the app's DEFAULT_VIDEO_URL (src/ui/urlOptions.ts). */
export const DEFAULT_VIDEO_URL = '/samples/solidWhiteRight.mp4';
/** URL prefix under which route() hands the page files from disk. */
export const BENCH_ROUTE_PREFIX = '/__bench__/';

export interface PathContext {
  readonly projectRoot: string;
  /** Resolves a path the user typed (relative to where npm was started). */
  readonly fromCwd: (p: string) => string;
  /** A path as the user should see it. */
  readonly show: (absolute: string) => string;
}

export interface BenchModel {
  /** As given: "default" or a path. */
  readonly spec: string;
  /** What the table shows: the spec, plus the size-specific file with --size. */
  readonly name: string;
  readonly files: ModelFiles;
  /** URL the page loads the model from (its contract is the same URL with .json). */
  readonly url: string;
  /** Files to hand to the page with route(): key under BENCH_ROUTE_PREFIX → path on disk. */
  readonly routed: ReadonlyMap<string, string>;
  /** ORT's WASM thread pool spin-waits between runs (its default; spec suffix ":spin"); off in the app. */
  readonly spinWait: boolean;
  /** How the worker makes masks from class maps: the app's defaults, or both off with spec suffix ":plain". */
  readonly postprocess: MaskPostprocessSettings;
  /** Export the segmented video during the measured window (spec suffix ":export"): what recording costs. */
  readonly exportVideo: boolean;
}

/** The spec suffix that turns ORT's thread-pool spin-waiting on for that model (e.g. `default:spin`). */
export const SPIN_SUFFIX = ':spin';
/** The spec suffix that turns the worker's stabilisation, guided upsampling and floating-object check off (e.g. `default:plain`). */
export const PLAIN_SUFFIX = ':plain';
/** The spec suffix that exports the segmented video (window.dashseg.exportVideo) while the window is measured. */
export const EXPORT_SUFFIX = ':export';
const PLAIN_POSTPROCESS: MaskPostprocessSettings = { stabilise: false, upsample: 'nearest', dropFloating: false };

/** `dir/name.onnx` → `dir/name-<H>x<W>.onnx` (the naming of exports at another input size). */
export function sizedModelPath(onnx: string, size: InputSize): string {
  const ext = path.extname(onnx);
  return path.join(path.dirname(onnx), `${path.basename(onnx, ext)}-${size.height}x${size.width}${ext}`);
}

/**
 * Resolves one --model / --compare value. `index` keeps two models with the same file name apart
 * in the routed URLs. The shipped model is served from dist/ (/models/...); everything else by route().
 */
export function resolveBenchModel(given: string, size: InputSize | null, index: number, ctx: PathContext): BenchModel {
  // Suffixes, in any order at the end: ":spin", ":plain", ":export".
  let spec = given;
  let spinWait = false;
  let plain = false;
  let exportVideo = false;
  for (;;) {
    if (spec.endsWith(SPIN_SUFFIX) && !spinWait) {
      spinWait = true;
      spec = spec.slice(0, -SPIN_SUFFIX.length);
    } else if (spec.endsWith(PLAIN_SUFFIX) && !plain) {
      plain = true;
      spec = spec.slice(0, -PLAIN_SUFFIX.length);
    } else if (spec.endsWith(EXPORT_SUFFIX) && !exportVideo) {
      exportVideo = true;
      spec = spec.slice(0, -EXPORT_SUFFIX.length);
    } else break;
  }
  const resolved = resolveModelSpec(spec, size, index, ctx);
  const suffix = `${plain ? PLAIN_SUFFIX : ''}${spinWait ? SPIN_SUFFIX : ''}${exportVideo ? EXPORT_SUFFIX : ''}`;
  return { ...resolved, name: `${resolved.name}${suffix}`, spinWait, postprocess: plain ? PLAIN_POSTPROCESS : DEFAULT_MASK_POSTPROCESS, exportVideo };
}

function resolveModelSpec(spec: string, size: InputSize | null, index: number, ctx: PathContext): BenchModel {
  const isDefault = spec === DEFAULT_MODEL_SPEC;
  const role = shippedModelByRole(spec); // fast / balanced / accurate: the toolbar's names
  const base = isDefault ? path.join(ctx.projectRoot, DEFAULT_MODEL_FILE) : role ? path.join(ctx.projectRoot, shippedModelFile(role.name)) : ctx.fromCwd(spec);
  let onnx = base;
  if (size) {
    onnx = sizedModelPath(base, size);
    if (!existsSync(onnx)) {
      throw new CliError(
        `--size ${size.height}x${size.width}: ${ctx.show(onnx)} does not exist ` +
          `(no ${path.basename(base)} exported at input ${size.height}x${size.width}; export the model at that size to that file first)`,
      );
    }
  }
  const files = resolveModelFiles(onnx, ctx.projectRoot, ctx.show);
  if (files.contract) {
    const contract = readContractFile(files.contract, ctx.show);
    const shape = contract.input.shape;
    if (size && (shape[2] !== size.height || shape[3] !== size.width)) {
      throw new CliError(`--size ${size.height}x${size.width}: ${ctx.show(files.contract)} declares input ${shape.join('x')}`);
    }
  }
  const name = size ? `${spec} @${size.height}x${size.width}` : spec;
  if ((isDefault || role) && !size) {
    return { spec, name, files, url: `/${role ? shippedModelFile(role.name) : DEFAULT_MODEL_FILE}`, routed: new Map(), spinWait: false, postprocess: DEFAULT_MASK_POSTPROCESS, exportVideo: false };
  }
  const routed = new Map<string, string>();
  const key = `model/${index}/${path.basename(files.onnx)}`;
  routed.set(key, files.onnx);
  // Without a contract the key is not served: the page's request answers 404 and the worker derives one.
  if (files.contract) routed.set(`model/${index}/${path.basename(files.contract)}`, files.contract);
  return { spec, name, files, url: routedUrlPath(BENCH_ROUTE_PREFIX, key), routed, spinWait: false, postprocess: DEFAULT_MASK_POSTPROCESS, exportVideo: false };
}

export interface BenchVideo {
  /** As the table shows it. */
  readonly name: string;
  /** URL the page plays. */
  readonly url: string;
  readonly routed: ReadonlyMap<string, string>;
  /** The file on disk, when known (for the clip's own frame rate). */
  readonly file: string | null;
}

/**
 * --src: "default" (the sample clip), a file on disk (handed to the page by route()), or a URL path
 * under /samples/ that the app serves itself (samples/data/ at build time).
 */
export function resolveVideo(spec: string, ctx: PathContext): BenchVideo {
  if (spec === DEFAULT_VIDEO_SPEC) {
    const file = path.join(ctx.projectRoot, DEFAULT_VIDEO_FILE);
    if (!existsSync(file)) throw new CliError(`the sample clip ${ctx.show(file)} is missing: run \`npm run fetch-samples\``);
    return { name: DEFAULT_VIDEO_URL, url: DEFAULT_VIDEO_URL, routed: new Map(), file };
  }
  const file = ctx.fromCwd(spec);
  if (existsSync(file)) {
    const st = statSync(file);
    if (!st.isFile()) throw new CliError(`--src ${ctx.show(file)} is not a file`);
    if (st.size === 0) throw new CliError(`--src ${ctx.show(file)} is empty (0 bytes)`);
    const key = `video/${path.basename(file)}`;
    return { name: ctx.show(file), url: routedUrlPath(BENCH_ROUTE_PREFIX, key), routed: new Map([[key, file]]), file };
  }
  if (spec.startsWith('/samples/')) {
    const onDisk = path.join(ctx.projectRoot, 'samples', 'data', spec.slice('/samples/'.length));
    return { name: spec, url: spec, routed: new Map(), file: existsSync(onDisk) ? onDisk : null };
  }
  throw new CliError(`video not found: ${ctx.show(file)}`);
}
