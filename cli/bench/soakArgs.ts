// The command line of `npm run soak` (cli/soak.ts). Pure: tested in tests/unit/bench/.

import { formatUsage, parseArgs, type FlagSpecs } from '../lib/args.ts';

export const SOAK_FLAGS = {
  minutes: { kind: 'int', metavar: 'N', min: 1, max: 1440, default: 10, description: 'how long to measure, after the warm-up' },
  interval: { kind: 'int', metavar: 'S', min: 1, max: 3600, default: 30, description: 'seconds between samples' },
  warmup: {
    kind: 'int',
    metavar: 'S',
    min: 0,
    max: 600,
    // 30 s was enough for the page and the segmentation worker; the mask-layer worker's heap settles
    // later (1.7 → 1.9 MiB between 30 s and 50 s, then flat for minutes: AMD EPYC VM, session 6).
    default: 60,
    description: "seconds of segmentation before the first sample, the baseline (ORT, the JIT and the workers' heaps settle)",
  },
  json: { kind: 'string', metavar: 'OUT.json', description: 'write the samples and verdicts as JSON (atomically)' },
  verbose: { kind: 'boolean', description: "echo the browser's console" },
} as const satisfies FlagSpecs;

export const SOAK_USAGE = formatUsage(
  'npm run soak --',
  SOAK_FLAGS,
  'Runs the built app in headless Chromium (WASM) on the sample clip, looping, and samples the main and\n' +
    'worker JS heaps, the WASM memory and three.js renderer.info (textures, geometries, programs).\n' +
    'At the end each figure is compared with the first sample after the warm-up: memory may grow at\n' +
    'most 10 %, counts not at all. Exits 1 when a figure fails (or could not be measured).\n' +
    'Examples: npm run soak\n' +
    '          npm run soak -- --minutes 1 --interval 10 --json soak.json',
);

export interface SoakOptions {
  readonly minutes: number;
  readonly intervalSeconds: number;
  readonly warmupSeconds: number;
  readonly json: string | null;
  readonly verbose: boolean;
}

/** Parses `npm run soak` arguments; throws UsageError. null means --help. */
export function parseSoakArgs(argv: readonly string[]): SoakOptions | null {
  const parsed = parseArgs(argv, SOAK_FLAGS);
  if (parsed.help) return null;
  const f = parsed.flags;
  return { minutes: f.minutes, intervalSeconds: f.interval, warmupSeconds: f.warmup, json: f.json ?? null, verbose: f.verbose };
}

/**
 * When the samples are taken, in seconds after the warm-up: 0, every interval, and the end (also
 * when the run is not a whole number of intervals).
 */
export function sampleTimes(minutes: number, intervalSeconds: number): number[] {
  const total = minutes * 60;
  const times: number[] = [];
  for (let t = 0; t < total; t += intervalSeconds) times.push(t);
  times.push(total);
  return times;
}
