// `npm run soak -- [--minutes N] [--interval S] [--warmup S] [--json OUT]`
// Memory over a long run: the built app loops the sample clip in headless Chromium (WASM) while
// the main and worker JS heaps, the WASM memory and three.js renderer.info are sampled
// (cli/bench/soakRunner.ts, memory read as in the bench: cli/bench/memoryProbe.ts). Prints the
// samples and one verdict per figure, end against the first sample after the warm-up
// (cli/bench/soakSummary.ts); exits 1 when a figure grew too much or could not be measured.

import { PROJECT_ROOT } from '../tools/browser/build.ts';
import { checkOutputPath, writeFileAtomic } from './lib/atomicWrite.ts';
import { cliPaths } from './lib/cliPaths.ts';
import { runCli } from './lib/errors.ts';
import { InterruptGuard, INTERRUPTED_EXIT_CODE } from './lib/interrupt.ts';
import { formatDuration, ProgressLine } from './lib/progress.ts';
import { DEFAULT_MODEL_SPEC, DEFAULT_VIDEO_SPEC } from './bench/args.ts';
import { backendText, formatEnvironment } from './bench/format.ts';
import { resolveBenchModel, resolveVideo, type PathContext } from './bench/inputs.ts';
import { loadAverage1m, machineInfo } from './bench/machine.ts';
import { MEMORY_METHOD } from './bench/memoryProbe.ts';
import { parseSoakArgs, SOAK_USAGE } from './bench/soakArgs.ts';
import { runSoak, type SoakRun } from './bench/soakRunner.ts';
import { formatSoakTable, formatSoakVerdicts, soakJson, soakPassed, soakVerdicts } from './bench/soakSummary.ts';
import type { BenchEnvironment } from './bench/summary.ts';

const { fromCwd, show } = cliPaths('soak');
const paths: PathContext = { projectRoot: PROJECT_ROOT, fromCwd, show };

async function main(): Promise<number> {
  const started = performance.now();
  const options = parseSoakArgs(process.argv.slice(2));
  if (options === null) {
    process.stdout.write(`${SOAK_USAGE}\n`);
    return 0;
  }
  const jsonPath = options.json === null ? null : fromCwd(options.json);
  if (jsonPath) checkOutputPath(jsonPath, '--json');
  const model = resolveBenchModel(DEFAULT_MODEL_SPEC, null, 0, paths);
  const video = resolveVideo(DEFAULT_VIDEO_SPEC, paths);

  const progress = new ProgressLine(process.stderr);
  const loadAtStart = loadAverage1m();
  progress.log(
    `soak: ${model.name} model · ${video.name} (looping) · wasm · ${options.warmupSeconds} s warm-up, then ${options.minutes} min sampled every ${options.intervalSeconds} s`,
  );

  const guard = new InterruptGuard('soak', progress);
  guard.listen();
  const run: SoakRun | null = await guard.run(() =>
    runSoak(
      { model, video, minutes: options.minutes, intervalSeconds: options.intervalSeconds, warmupSeconds: options.warmupSeconds, verbose: options.verbose },
      { progress, cleanups: guard.cleanups, checkInterrupted: guard.checkInterrupted },
      (s, i, total) =>
        progress.log(
          `soak: sample ${i + 1}/${total} at ${formatDuration(s.elapsedS)}: ${s.frames} masks · main heap ${mibText(s.mainHeapBytes)} · worker heap ${mibText(s.workerHeapBytes)} · WASM ${mibText(s.wasmBytes)} · textures ${s.textures ?? '—'}`,
        ),
    ),
  );
  if (run === null) return INTERRUPTED_EXIT_CODE;

  const verdicts = soakVerdicts(run.samples);
  const passed = soakPassed(verdicts);
  const env: BenchEnvironment = {
    browser: `Chromium ${run.browserVersion} (headless)`,
    hardwareConcurrency: run.hardwareConcurrency,
    machine: machineInfo(loadAtStart),
  };
  const out: string[] = [];
  out.push(formatSoakTable(run.samples));
  out.push('');
  out.push(formatSoakVerdicts(verdicts));
  out.push('');
  out.push(`${passed ? 'PASS' : 'FAIL'}: end vs the first sample after the ${options.warmupSeconds} s warm-up (memory after a forced GC)`);
  out.push(`video: ${video.name} (looping) · model ${model.name} · ${backendText(run.backend, run.threads)}`);
  out.push(formatEnvironment(env));
  if (run.warnings.length) out.push(...run.warnings.map((w) => `note: ${w}`));
  process.stdout.write(`${out.join('\n')}\n`);

  if (jsonPath) {
    const json = soakJson(run.samples, verdicts, {
      minutes: options.minutes,
      intervalS: options.intervalSeconds,
      warmupS: options.warmupSeconds,
      video: video.name,
      model: model.name,
      backend: run.backend,
      threads: run.threads,
      env,
      memoryMethod: MEMORY_METHOD,
    });
    await writeFileAtomic(jsonPath, `${JSON.stringify(json, null, 2)}\n`);
    process.stdout.write(`wrote ${show(jsonPath)}\n`);
  }
  process.stderr.write(`soak: done in ${formatDuration((performance.now() - started) / 1000)}\n`);
  return passed ? 0 : 1;
}

function mibText(bytes: number | null): string {
  return bytes === null ? '—' : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

await runCli(main, { name: 'soak', usage: SOAK_USAGE });
