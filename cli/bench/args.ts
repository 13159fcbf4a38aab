// The command line of `npm run bench` (cli/bench.ts). Pure: tested in tests/unit/bench/.

import { MODEL_ROLES } from '../../src/processing/shippedModels.ts';
import { formatUsage, parseArgs, type FlagSpecs } from '../lib/args.ts';
import { UsageError } from '../lib/errors.ts';

/** `--model default`: the shipped model (models/dashseg-mnv2.onnx, served at /models/). */
export const DEFAULT_MODEL_SPEC = 'default';
/** `--src default`: the sample dashcam clip (samples/data/solidWhiteRight.mp4, served at /samples/). */
export const DEFAULT_VIDEO_SPEC = 'default';

export const DEFAULT_SECONDS = 20;
export const DEFAULT_COMPARE_ROUNDS = 3;
export const DEFAULT_WARMUP_SECONDS = 3;

export const BENCH_FLAGS = {
  model: {
    kind: 'string',
    metavar: 'PATH|NAME|default',
    default: DEFAULT_MODEL_SPEC,
    description: `ONNX model with one NCHW float input (its contract PATH.json is optional), or the toolbar's name of a shipped model (${MODEL_ROLES.join(', ')}); append :spin to let ORT's WASM thread pool spin-wait between runs (its default; the app turns it off), :plain to turn the worker's mask stabilisation and guided upsampling off (NEAREST, as the model gives it), :export to export the segmented video through each measured window`,
  },
  compare: { kind: 'string', metavar: 'A B', description: 'benchmark two models (PATH|NAME|default each), alternating rounds' },
  backend: { kind: 'enum', values: ['wasm', 'webgpu'] as const, default: 'wasm', description: 'onnxruntime-web backend' },
  src: {
    kind: 'string',
    metavar: 'VIDEO|default',
    default: DEFAULT_VIDEO_SPEC,
    description: 'video file on disk, or a URL path the app serves (default: /samples/solidWhiteRight.mp4)',
  },
  size: { kind: 'string', metavar: 'HxW', description: 'use the model exported at this input size: <model>-<H>x<W>.onnx next to it' },
  seconds: { kind: 'int', metavar: 'N', min: 1, max: 3600, default: DEFAULT_SECONDS, description: 'measured seconds per round' },
  rounds: {
    kind: 'int',
    metavar: 'N',
    min: 1,
    max: 100,
    description: `rounds per model, each after a model reload and warm-up (default: ${DEFAULT_COMPARE_ROUNDS} with --compare, else 1)`,
  },
  warmup: { kind: 'int', metavar: 'N', min: 0, max: 600, default: DEFAULT_WARMUP_SECONDS, description: 'seconds of warm-up before each round' },
  threads: { kind: 'int', metavar: 'N', min: 1, max: 64, description: 'WASM threads (default: automatic: every core but one, up to 4)' },
  'mask-layer': {
    kind: 'enum',
    values: ['worker', 'inline'] as const,
    default: 'worker',
    description: "where the app draws the masks: 'worker' (OffscreenCanvas, the app's default) or 'inline' (the page's thread)",
  },
  json: { kind: 'string', metavar: 'OUT.json', description: 'write the figures as JSON (atomically)' },
  verbose: { kind: 'boolean', description: "echo the browser's console" },
} as const satisfies FlagSpecs;

export const BENCH_USAGE = formatUsage(
  'npm run bench --',
  BENCH_FLAGS,
  'Measures the built app in headless Chromium on a video: inference FPS, end-to-end latency (frame\n' +
    'captured → mask on screen), per-stage times, dropped frames, render FPS, JS heap and WASM memory.\n' +
    'With --compare A B both models run in one browser session, in alternating rounds (A B, B A, ...),\n' +
    'so machine noise hits both; the ratio B/A is printed.\n' +
    'Examples: npm run bench -- --seconds 15\n' +
    '          npm run bench -- --compare default models/other.onnx --rounds 3 --json bench.json\n' +
    '          npm run bench -- --compare default default:spin --threads 2\n' +
    '          npm run bench -- --compare default default:plain   (what stabilisation + guided edges cost)\n' +
    '          npm run bench -- --compare default default:export  (what exporting the video costs)',
);

export interface InputSize {
  readonly height: number;
  readonly width: number;
}

export interface BenchOptions {
  /** One model spec (PATH or 'default'), or two with --compare. */
  readonly models: readonly string[];
  readonly compare: boolean;
  readonly backend: 'wasm' | 'webgpu';
  /** Where the app draws the masks (?masklayer=). */
  readonly maskLayer: 'worker' | 'inline';
  readonly src: string;
  readonly size: InputSize | null;
  readonly seconds: number;
  readonly rounds: number;
  readonly warmupSeconds: number;
  /** null: the app's automatic choice. */
  readonly threads: number | null;
  readonly json: string | null;
  readonly verbose: boolean;
}

/** "360x480" (height x width) → {height: 360, width: 480}. */
export function parseSize(text: string): InputSize {
  const m = /^(\d{1,5})[xX](\d{1,5})$/.exec(text.trim());
  if (!m) throw new UsageError(`--size must be HxW (height x width, e.g. 360x480), got ${JSON.stringify(text)}`);
  const height = Number(m[1]);
  const width = Number(m[2]);
  if (height < 1 || width < 1 || height > 8192 || width > 8192) {
    throw new UsageError(`--size ${text}: height and width must be within 1..8192`);
  }
  return { height, width };
}

/**
 * `--compare` takes two values, which the generic parser does not do: it is taken out of argv first
 * (`--compare A B`; `--compare=A` is an error).
 */
export function extractCompare(argv: readonly string[]): { readonly rest: string[]; readonly compare: [string, string] | null } {
  const rest: string[] = [];
  let compare: [string, string] | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg.startsWith('--compare=')) throw new UsageError('--compare takes two values: --compare A B');
    if (arg !== '--compare') {
      rest.push(arg);
      continue;
    }
    if (compare) throw new UsageError('--compare is given more than once');
    const a = argv[i + 1];
    const b = argv[i + 2];
    if (a === undefined || b === undefined || a.startsWith('--') || b.startsWith('--') || a === '' || b === '') {
      throw new UsageError('--compare takes two models: --compare A B (each a PATH or "default")');
    }
    compare = [a, b];
    i += 2;
  }
  return { rest, compare };
}

/** Parses `npm run bench` arguments; throws UsageError. null means --help. */
export function parseBenchArgs(argv: readonly string[]): BenchOptions | null {
  if (argv.includes('--help') || argv.includes('-h')) return null;
  const { rest, compare } = extractCompare(argv);
  const parsed = parseArgs(rest, BENCH_FLAGS);
  if (parsed.help) return null;
  const f = parsed.flags;
  if (compare && rest.some((a) => a === '--model' || a.startsWith('--model='))) {
    throw new UsageError('--model and --compare exclude each other (--compare A B names both models)');
  }
  if (f.threads !== undefined && f.backend !== 'wasm') throw new UsageError('--threads applies to --backend wasm only');
  return {
    models: compare ?? [f.model],
    compare: compare !== null,
    backend: f.backend,
    maskLayer: f['mask-layer'],
    src: f.src,
    size: f.size === undefined ? null : parseSize(f.size),
    seconds: f.seconds,
    rounds: f.rounds ?? (compare ? DEFAULT_COMPARE_ROUNDS : 1),
    warmupSeconds: f.warmup,
    threads: f.threads ?? null,
    json: f.json ?? null,
    verbose: f.verbose,
  };
}
