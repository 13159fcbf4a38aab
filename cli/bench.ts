// `npm run bench -- [--model PATH|default] [--compare A B] [--backend wasm|webgpu] [--src VIDEO]
//   [--size HxW] [--seconds N] [--rounds N] [--warmup N] [--threads N] [--json OUT]`
// Speed and memory of the built app in headless Chromium on a video, measured by the app itself
// (its per-frame log rows: stage times and capture → screen latency). Node checks the inputs,
// builds and serves the app (vite preview) and drives it (cli/bench/runner.ts); the numbers are
// reduced in cli/bench/summary.ts and printed as a table (cli/bench/format.ts).

import { PROJECT_ROOT } from '../tools/browser/build.ts';
import { checkOutputPath, writeFileAtomic } from './lib/atomicWrite.ts';
import { cliPaths } from './lib/cliPaths.ts';
import { runCli } from './lib/errors.ts';
import { InterruptGuard, INTERRUPTED_EXIT_CODE } from './lib/interrupt.ts';
import { formatDuration, ProgressLine } from './lib/progress.ts';
import { BENCH_USAGE, parseBenchArgs } from './bench/args.ts';
import { backendText, formatBenchTable, formatEnvironment } from './bench/format.ts';
import { resolveBenchModel, resolveVideo, type PathContext } from './bench/inputs.ts';
import { clipFrameRate } from './bench/clipRate.ts';
import { loadAverage1m, machineInfo } from './bench/machine.ts';
import { MEMORY_METHOD } from './bench/memoryProbe.ts';
import { runBench, type BenchRun } from './bench/runner.ts';
import { compareFigures, ratioJson, runJson, summarizeRounds, type BenchEnvironment, type BenchJson, type NamedFigures } from './bench/summary.ts';

// `npm run bench` runs in the project root; relative paths are meant from where npm was started.
const { fromCwd, show } = cliPaths('bench');
const paths: PathContext = { projectRoot: PROJECT_ROOT, fromCwd, show };

async function main(): Promise<number> {
  const started = performance.now();
  const options = parseBenchArgs(process.argv.slice(2));
  if (options === null) {
    process.stdout.write(`${BENCH_USAGE}\n`);
    return 0;
  }

  // Everything that can be checked without a browser is checked first.
  const jsonPath = options.json === null ? null : paths.fromCwd(options.json);
  if (jsonPath) checkOutputPath(jsonPath, '--json');
  const models = options.models.map((spec, i) => resolveBenchModel(spec, options.size, i, paths));
  const video = resolveVideo(options.src, paths);
  const labels = options.compare ? ['A', 'B'] : [''];

  const progress = new ProgressLine(process.stderr);
  const loadAtStart = loadAverage1m();
  const perRound = `${options.warmupSeconds} s warm-up + ${options.seconds} s`;
  progress.log(
    `bench: ${models.map((m, i) => (labels[i] ? `${labels[i]}: ${m.name}` : m.name)).join(' vs ')} · ${video.name} · ` +
      `${options.backend}${options.threads ? ` x${options.threads} threads` : ''} · masks drawn ${options.maskLayer === 'worker' ? 'in a worker' : "on the page's thread"} · ${options.rounds} round${options.rounds === 1 ? '' : 's'} of ${perRound} per model`,
  );

  const guard = new InterruptGuard('bench', progress);
  guard.listen();
  const run: BenchRun | null = await guard.run(() =>
    runBench(
      {
        models,
        video,
        backend: options.backend,
        maskLayer: options.maskLayer,
        threads: options.threads,
        seconds: options.seconds,
        rounds: options.rounds,
        warmupSeconds: options.warmupSeconds,
        verbose: options.verbose,
      },
      { progress, cleanups: guard.cleanups, checkInterrupted: guard.checkInterrupted },
    ),
  );
  if (run === null) return INTERRUPTED_EXIT_CODE;

  const named: NamedFigures[] = models.map((m, i) => ({
    model: m.name,
    label: labels[i] ?? '',
    figures: summarizeRounds(run.measurements.filter((r) => r.model === i)),
  }));
  const comparison = named.length === 2 ? compareFigures((named[0] as NamedFigures).figures, (named[1] as NamedFigures).figures) : null;
  const env: BenchEnvironment = {
    browser: `Chromium ${run.browserVersion} (headless)`,
    clipFps: video.file ? clipFrameRate(video.file) : null,
    hardwareConcurrency: run.hardwareConcurrency,
    machine: machineInfo(loadAtStart),
  };

  const out: string[] = [];
  out.push(formatBenchTable(named, comparison, env.clipFps));
  out.push('');
  out.push(`video: ${video.name} · ${options.rounds} round${options.rounds === 1 ? '' : 's'} of ${perRound} per model${named.length > 1 ? ', alternating A B, B A, …' : ''}`);
  out.push(formatEnvironment(env));
  out.push('latency: frame captured → mask on screen (p50/p95 over all masks); stages are p50 per mask; memory after a forced GC, first round start → last round end');
  out.push('video fps: frames the video presented (getVideoPlaybackQuality, decoded less dropped; no per-frame callback on the page); main thread ms per frame: the page thread’s CPU time (Chromium ThreadTime) per mask shown, p50 over ~1 s intervals, and beside it the wall-clock time of its tasks (TaskDuration), which adds the waits for a core that the workers hold; model-only: the same worker on decoded frames back to back for 5 s right after each round; “paired by round” is the median of each round’s fps over its model-only fps');
  if (run.warnings.length) out.push(...run.warnings.map((w) => `note: ${w}`));
  process.stdout.write(`${out.join('\n')}\n`);

  if (jsonPath) {
    const json: BenchJson = {
      runs: named.map((n) => runJson(n, env)),
      ...(comparison ? { ratio: ratioJson(comparison) } : {}),
      video: video.name,
      rounds: options.rounds,
      seconds_per_round: options.seconds,
      warmup_seconds: options.warmupSeconds,
      mb: 'MiB (2^20 bytes)',
      memory_method: MEMORY_METHOD,
    };
    await writeFileAtomic(jsonPath, `${JSON.stringify(json, null, 2)}\n`);
    process.stdout.write(`wrote ${show(jsonPath)}\n`);
  }
  const backends = named.map((n) => backendText(n.figures.backend, n.figures.threads)).join(' / ');
  process.stderr.write(`bench: done in ${formatDuration((performance.now() - started) / 1000)} (${backends})\n`);
  return 0;
}

await runCli(main, { name: 'bench', usage: BENCH_USAGE });
