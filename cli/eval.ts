// `npm run eval -- --images DIR --labels DIR [...]`: mIoU of a model on labelled frames, measured
// with the app's own pipeline. Node checks the inputs, builds and serves the app (vite preview),
// and drives eval.html in headless Chromium, which runs every frame through the app's
// SegmentationClient and scores it (src/eval/evalPage.ts); the files are handed to the page from
// disk by playwright's route(). Then Node prints the table and writes --json/--csv/--report.

import path from 'node:path';
import type { UpsampleMode } from '../src/processing/maskPostprocess.ts';
import {
  EVAL_PAGE_GLOBAL,
  EVAL_PROGRESS_FUNCTION,
  type EvalFrameRequest,
  type EvalPageConfig,
  type EvalPageOutcome,
  type EvalProgress,
  type StabiliseChoice,
} from '../src/eval/evalProtocol.ts';
import { collectBrowserLog, type BrowserLog } from '../tools/browser/browserLog.ts';
import { PROJECT_ROOT } from '../tools/browser/build.ts';
import { routedUrlPath, routeLocalFiles } from '../tools/browser/routeFiles.ts';
import { checkDistinctOutputs, checkOutputPath, writeFilesAtomic, type OutputFile } from './lib/atomicWrite.ts';
import { serveAppInChromium, type BrowserRunControl } from './lib/browserApp.ts';
import { cliPaths } from './lib/cliPaths.ts';
import { CliError, runCli } from './lib/errors.ts';
import { EVAL_USAGE, evalModelPath, parseEvalArgs } from './lib/evalOptions.ts';
import { renderEvalReport } from './lib/evalReport.ts';
import { buildEvalCsv, buildEvalJson, formatEvalText, stringifyEvalJson } from './lib/evalSummary.ts';
import { pairLabelledFolders, type LabelledFrame } from './lib/labelledFolders.ts';
import { describeModelFailure, readContractFile, resolveModelFiles, type ModelFiles } from './lib/modelFiles.ts';
import { InterruptGuard, INTERRUPTED_EXIT_CODE } from './lib/interrupt.ts';
import { formatDuration, ProgressLine } from './lib/progress.ts';

/** URL prefix under which the page gets the frames (and a model outside models/) from disk. */
const ROUTE_PREFIX = '/__eval__/';
/** Worst frames shown in --report. */
const REPORT_WORST_FRAMES = 5;

// `npm run eval` runs in the project root; relative paths are meant from where npm was started.
const { fromCwd, show } = cliPaths('eval');

interface PageRun {
  readonly outcome: EvalPageOutcome;
  readonly browserVersion: string;
  readonly log: BrowserLog;
  readonly urls: ReadonlyMap<string, string>;
}

async function runInBrowser(
  frames: readonly LabelledFrame[],
  model: ModelFiles,
  backend: 'wasm' | 'webgpu',
  worstFrames: number,
  stabilise: StabiliseChoice,
  upsample: UpsampleMode,
  dropFloating: boolean,
  control: BrowserRunControl,
  verbose: boolean,
): Promise<PageRun> {
  const { progress, checkInterrupted } = control;
  const { server, browser } = await serveAppInChromium('eval', backend, control);
  const context = await browser.newContext();
  const page = await context.newPage();
  const log = collectBrowserLog(page, {
    ...(verbose ? { verbose: true, onLine: (line: string) => progress.log(`browser: ${line}`) } : {}),
  });

  // Files the page may fetch: each frame's image and label, and the model when it is not in dist/models/.
  const served = new Map<string, string>();
  const urls = new Map<string, string>(); // URL → path shown in messages
  const requests: EvalFrameRequest[] = frames.map((f, i) => {
    const imageKey = `image/${i}/${f.name}`;
    const labelKey = `label/${i}/${path.basename(f.label)}`;
    served.set(imageKey, f.image);
    served.set(labelKey, f.label);
    return {
      file: f.name,
      imageUrl: routedUrlPath(ROUTE_PREFIX, imageKey),
      labelUrl: routedUrlPath(ROUTE_PREFIX, labelKey),
      imageSource: show(f.image),
      labelSource: show(f.label),
    };
  });
  let modelUrl: string;
  let contractUrl: string | null = null;
  if (model.inModelsFolder) {
    modelUrl = `/models/${encodeURIComponent(path.basename(model.onnx))}`;
    if (model.contract) contractUrl = `/models/${encodeURIComponent(path.basename(model.contract))}`;
  } else {
    served.set(`model/${path.basename(model.onnx)}`, model.onnx);
    modelUrl = routedUrlPath(ROUTE_PREFIX, `model/${path.basename(model.onnx)}`);
    if (model.contract) {
      served.set(`model/${path.basename(model.contract)}`, model.contract);
      contractUrl = routedUrlPath(ROUTE_PREFIX, `model/${path.basename(model.contract)}`);
    }
  }
  urls.set(`${server.url}${modelUrl}`, show(model.onnx)).set(modelUrl, show(model.onnx));
  if (contractUrl && model.contract) urls.set(`${server.url}${contractUrl}`, show(model.contract)).set(contractUrl, show(model.contract));
  // On the context, so that the worker's fetch of the model is routed too.
  await routeLocalFiles(context, ROUTE_PREFIX, served);

  let firstFrameAt: number | null = null;
  await page.exposeFunction(EVAL_PROGRESS_FUNCTION, (p: EvalProgress) => {
    if (p.kind === 'init') {
      const bytes = p.stage === 'download-model' && p.loaded ? ` ${(p.loaded / 1e6).toFixed(1)}${p.total ? `/${(p.total / 1e6).toFixed(1)}` : ''} MB` : '';
      progress.update(`eval: model ${p.stage}${bytes}…`, p.stage !== 'download-model');
    } else if (p.kind === 'frame') {
      const now = performance.now();
      firstFrameAt ??= now - p.ms;
      const rate = p.done / ((now - firstFrameAt) / 1000);
      const eta = rate > 0 ? (p.total - p.done) / rate : NaN;
      const milestone = p.done === 1 || p.done === p.total || Math.floor((10 * p.done) / p.total) !== Math.floor((10 * (p.done - 1)) / p.total);
      progress.update(
        `eval: ${p.done}/${p.total} frames (${Math.round((100 * p.done) / p.total)} %) · ${rate.toFixed(1)} fps · ${p.ms.toFixed(0)} ms · eta ${formatDuration(eta)} · ${p.file}`,
        milestone,
      );
    } else if (p.kind === 'overlays') {
      progress.update(`eval: rendering report overlays ${p.done}/${p.total}…`, p.done === p.total);
    } else {
      progress.log(`eval: note: ${p.message}`);
    }
  });

  progress.update('eval: loading eval.html…', true);
  try {
    await page.goto(`${server.url}/eval.html`, { waitUntil: 'load', timeout: 60_000 });
    await page.waitForFunction((name) => name in window, EVAL_PAGE_GLOBAL, { timeout: 60_000 });
  } catch (err) {
    throw new CliError(`the eval page did not load: ${(err as Error).message.split('\n')[0]}`, log.lines());
  }
  checkInterrupted();
  const config: EvalPageConfig = {
    modelUrl,
    contractUrl,
    backend,
    ortBaseUrl: '/ort/',
    frames: requests,
    worstFrames,
    stabilise,
    upsample,
    dropFloating,
  };
  let outcome: EvalPageOutcome;
  try {
    outcome = await page.evaluate(
      ([name, cfg]) => (window as unknown as Record<string, { run(c: typeof cfg): Promise<EvalPageOutcome> }>)[name]!.run(cfg),
      [EVAL_PAGE_GLOBAL, config] as const,
    );
  } catch (err) {
    throw new CliError(`the browser failed during the run: ${(err as Error).message.split('\n')[0]}`, log.lines());
  }
  return { outcome, browserVersion: browser.version(), log, urls };
}

async function main(): Promise<number> {
  const started = performance.now();
  const flags = parseEvalArgs(process.argv.slice(2));
  if (flags === null) {
    process.stdout.write(`${EVAL_USAGE}\n`);
    return 0;
  }

  // Everything that can be checked without a browser is checked first, so mistakes fail fast.
  const outputs: { flag: string; path: string }[] = [];
  if (flags.json !== undefined) outputs.push({ flag: '--json', path: fromCwd(flags.json) });
  if (flags.csv !== undefined) outputs.push({ flag: '--csv', path: fromCwd(flags.csv) });
  if (flags.report !== undefined) outputs.push({ flag: '--report', path: fromCwd(flags.report) });
  checkDistinctOutputs(outputs.map((o) => ({ flag: o.flag, path: show(o.path) })));
  for (const o of outputs) checkOutputPath(o.path, o.flag);

  const modelPath = evalModelPath(flags.model, PROJECT_ROOT, fromCwd);
  const model = resolveModelFiles(modelPath, PROJECT_ROOT, show);
  if (model.contract) readContractFile(model.contract, show);

  const pairing = await pairLabelledFolders(fromCwd(flags.images), fromCwd(flags.labels), {
    ...(flags.limit !== undefined ? { limit: flags.limit } : {}),
    display: show,
  });
  const progress = new ProgressLine(process.stderr);
  for (const note of pairing.notes) progress.log(`eval: note: ${note}`);
  const limited = pairing.frames.length < pairing.available ? ` (first ${pairing.frames.length} of ${pairing.available}, --limit)` : '';
  progress.log(`eval: ${pairing.frames.length} frame${pairing.frames.length === 1 ? '' : 's'}${limited} · model ${show(model.onnx)} · backend ${flags.backend}`);

  // Ctrl-C: close the browser and the server, then exit 130 (see InterruptGuard).
  const guard = new InterruptGuard('eval', progress);
  guard.listen();
  const control: BrowserRunControl = { progress, cleanups: guard.cleanups, checkInterrupted: guard.checkInterrupted };
  const run = await guard.run(() => runInBrowser(pairing.frames, model, flags.backend, flags.report ? REPORT_WORST_FRAMES : 0, flags.stabilise, flags.upsample, flags.floating === 'drop', control, flags.verbose));
  if (run === null) return INTERRUPTED_EXIT_CODE;

  const { outcome } = run;
  if (!outcome.ok) {
    const f = outcome.failure;
    let message: string;
    if (f.stage === 'init') message = describeModelFailure(f.code, f.message, run.urls);
    else if (['label', 'image', 'read', 'prediction'].includes(f.code)) message = f.message;
    else message = `${f.file ? `frame ${f.file}: ` : ''}${describeModelFailure(f.code, f.message, run.urls)}`;
    // The browser's own errors explain failures that are not about an input file.
    const details = ['label', 'image', 'read'].includes(f.code) ? [] : run.log.lines().slice(-15).map((l) => `browser: ${l}`);
    throw new CliError(message, details);
  }

  const result = outcome.result;
  const summary = buildEvalJson(result, {
    model: show(model.onnx),
    contract: model.contract ? show(model.contract) : null,
    images: show(fromCwd(flags.images)),
    labels: show(fromCwd(flags.labels)),
    backendRequested: flags.backend,
    browser: `Chromium ${run.browserVersion}`,
    elapsedS: (performance.now() - started) / 1000,
    created: new Date(),
  });
  for (const notice of result.notices) process.stderr.write(`eval: note: ${notice}\n`);
  if (result.backend !== flags.backend) process.stderr.write(`eval: warning: ran on ${result.backend}, not ${flags.backend}: ${result.backendReason}\n`);

  const files: OutputFile[] = [];
  if (flags.json) files.push({ path: fromCwd(flags.json), data: stringifyEvalJson(summary) });
  if (flags.csv) files.push({ path: fromCwd(flags.csv), data: buildEvalCsv(result) });
  if (flags.report) files.push({ path: fromCwd(flags.report), data: renderEvalReport(summary, result) });
  await writeFilesAtomic(files);

  process.stdout.write(`${formatEvalText(summary, result)}\n`);
  for (const f of files) process.stdout.write(`wrote ${show(f.path)}\n`);
  return 0;
}

await runCli(main, { name: 'eval', usage: EVAL_USAGE });
