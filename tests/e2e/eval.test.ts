// `npm run eval` end to end: the real CLI (tsx cli/eval.ts) builds/serves the app, drives eval.html
// in headless Chromium on CamVid val frames, and writes its outputs; bad inputs fail with exit 1 and
// a message naming the file, and write nothing.

import { UPSAMPLE_BY_DEFAULT } from '../../src/processing/maskPostprocess.ts';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PROJECT_ROOT } from '../../tools/browser/build.ts';
import { DEFAULT_MODEL_NAME } from '../../src/processing/shippedModels.ts';
import { STABILISE_BY_DEFAULT } from '../../src/processing/temporalStabiliser.ts';
import { labelPng } from '../helpers/labelPng.ts';

const CAMVID = path.join(PROJECT_ROOT, 'samples', 'data', 'camvid-val');
const IMAGES = path.join(CAMVID, 'images');
const LABELS = path.join(CAMVID, 'labels');
const CONTRACT = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'models', `${DEFAULT_MODEL_NAME}.json`), 'utf8')) as {
  voidId: number;
  classes: { name: string; ignore: boolean }[];
};
const MODEL_CLASSES = CONTRACT.classes.filter((c) => !c.ignore).map((c) => c.name);

/** Build check + Chromium start + model load + frames, on a 2-core machine that is busy. */
const RUN_TIMEOUT_MS = 170_000;

interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runEval(args: readonly string[]): Promise<CliRun> {
  const tsx = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, ['cli/eval.ts', ...args], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function explain(run: CliRun): string {
  return `exit ${run.code}\n--- stdout ---\n${run.stdout}\n--- stderr ---\n${run.stderr}`;
}

let tmp = '';
beforeAll(() => {
  if (!existsSync(IMAGES) || !existsSync(LABELS)) throw new Error(`CamVid val samples missing in ${CAMVID}: run npm run fetch-samples`);
  tmp = mkdtempSync(path.join(tmpdir(), 'dashseg-eval-e2e-'));
});
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('npm run eval', () => {
  test('scores 5 CamVid val frames and writes JSON, CSV and an HTML report', async () => {
    const json = path.join(tmp, 'eval.json');
    const csv = path.join(tmp, 'eval.csv');
    const report = path.join(tmp, 'eval.html');
    const run = await runEval(['--images', IMAGES, '--labels', LABELS, '--limit', '5', '--json', json, '--csv', csv, '--report', report]);
    expect(run.code, explain(run)).toBe(0);
    expect(run.stdout).toMatch(/mIoU\s+\d+\.\d\d %/);
    expect(run.stdout).toContain('pixel accuracy');

    const summary = JSON.parse(readFileSync(json, 'utf8')) as Record<string, unknown> & {
      miou: number;
      pixel_accuracy: number;
      per_class: Record<string, number | null>;
      confusion: number[][];
      frames: number;
      flicker_rate: number;
      stabilise: Record<'off' | 'on', { miou: number; flicker_rate: number; steady_pixels: number }> & { headline: 'on' | 'off' };
      boundary_iou: number;
      upsample: Record<'nearest' | 'guided', { miou: number; boundary_iou: number; flicker_rate: number }> & { headline: 'nearest' | 'guided'; boundary_radius_px: number };
      variants: Record<string, { miou: number; boundary_iou: number; flicker_rate: number }>;
    };
    expect(summary.frames).toBe(5);
    expect(summary.model).toBe(`models/${DEFAULT_MODEL_NAME}.onnx`);
    expect(summary.backend).toBe('wasm');
    expect(typeof summary.threads).toBe('number');
    expect(String(summary.browser)).toMatch(/^Chromium \d+/);
    expect(summary.elapsed_s).toBeGreaterThan(0);
    expect(summary.miou).toBeGreaterThan(0);
    expect(summary.miou).toBeLessThanOrEqual(100);
    expect(summary.pixel_accuracy).toBeGreaterThan(0);
    expect(summary.pixel_accuracy).toBeLessThanOrEqual(100);
    expect(Object.keys(summary.per_class)).toEqual(MODEL_CLASSES);
    for (const v of Object.values(summary.per_class)) if (v !== null) expect(v).toBeGreaterThanOrEqual(0);
    expect(summary.confusion).toHaveLength(MODEL_CLASSES.length);
    for (const row of summary.confusion) expect(row).toHaveLength(MODEL_CLASSES.length);

    // Every non-void label pixel of the 5 frames is counted exactly once, in its ground-truth row.
    const files = readdirSync(LABELS).filter((f) => f.endsWith('.png')).sort().slice(0, 5);
    const rowSums = new Array<number>(MODEL_CLASSES.length).fill(0);
    let scored = 0;
    // Flicker is counted over pixels whose label keeps its (non-void) class from a frame to the next.
    let steady = 0;
    let previous: PNG | null = null;
    for (const f of files) {
      const png = PNG.sync.read(readFileSync(path.join(LABELS, f)));
      for (let i = 0; i < png.width * png.height; i++) {
        const id = png.data[i * 4] as number;
        if (previous && id !== CONTRACT.voidId && previous.data[i * 4] === id) steady++;
        if (id === CONTRACT.voidId) continue;
        scored++;
        rowSums[id] = (rowSums[id] as number) + 1;
      }
      previous = png;
    }
    expect(summary.confusion.map((row) => row.reduce((a, b) => a + b, 0))).toEqual(rowSums);
    expect(summary.confusion.flat().reduce((a, b) => a + b, 0)).toBe(scored);

    // Stabilisation off and on are both scored from the same class maps; the headline is the app's default.
    const { stabilise } = summary;
    expect(stabilise.headline).toBe(STABILISE_BY_DEFAULT ? 'on' : 'off');
    expect(summary.miou).toBe(stabilise[stabilise.headline].miou);
    expect(summary.flicker_rate).toBe(stabilise[stabilise.headline].flicker_rate);
    for (const s of [stabilise.off, stabilise.on]) {
      expect(s.miou).toBeGreaterThan(0);
      expect(s.flicker_rate).toBeGreaterThanOrEqual(0);
      expect(s.flicker_rate).toBeLessThanOrEqual(100);
      expect(s.steady_pixels).toBe(steady);
    }
    expect(run.stdout).toMatch(/flicker rate\s+\d+\.\d{3} %/);
    expect(run.stdout).toMatch(/\nNEAREST\s+off\s+\d+\.\d\d\s+\d+\.\d\d\s+\d+\.\d\d\s+\d+\.\d{3}\n/);

    // NEAREST and guided upsampling are both scored too, with boundary IoU (within 3 px of a label
    // edge: a subset of the pixels, so lower than mIoU on these frames); the headline is the app's default.
    const { upsample } = summary;
    expect(upsample.headline).toBe(UPSAMPLE_BY_DEFAULT);
    expect(upsample.boundary_radius_px).toBe(3);
    expect(Object.keys(summary.variants).sort()).toEqual(['guided/off', 'guided/on', 'nearest/off', 'nearest/on']);
    expect(summary.variants[`${upsample.headline}/${stabilise.headline}`]!.miou).toBe(summary.miou);
    expect(summary.boundary_iou).toBe(upsample[upsample.headline].boundary_iou);
    for (const u of [upsample.nearest, upsample.guided]) {
      expect(u.boundary_iou).toBeGreaterThan(0);
      expect(u.boundary_iou).toBeLessThan(u.miou);
    }
    // Guided upsampling changes the mask only near its edges: mIoU stays close to NEAREST's.
    expect(Math.abs(upsample.guided.miou - upsample.nearest.miou)).toBeLessThan(2);
    expect(run.stdout).toMatch(/boundary IoU\s+\d+\.\d\d %/);

    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('file,miou,pixel_accuracy,ms,preprocess_ms,inference_ms,postprocess_ms');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(readdirSync(IMAGES).sort().slice(0, 5));

    const html = readFileSync(report, 'utf8');
    expect(html).not.toMatch(/https?:\/\//);
    expect(html.match(/src="data:image\/png;base64,/g)).toHaveLength(15); // 5 worst frames x 3
    console.log(`[eval e2e] 5 frames: mIoU ${summary.miou} %, pixel accuracy ${summary.pixel_accuracy} %, ${String(summary.elapsed_s)} s`);
  }, RUN_TIMEOUT_MS);

  test('a label of the wrong size fails with exit 1, names the file and writes nothing', async () => {
    const dir = path.join(tmp, 'wrong-size');
    mkdirSync(path.join(dir, 'images'), { recursive: true });
    mkdirSync(path.join(dir, 'labels'), { recursive: true });
    const name = readdirSync(IMAGES).sort()[0] as string;
    copyFileSync(path.join(IMAGES, name), path.join(dir, 'images', name));
    const small = new PNG({ width: 100, height: 80 });
    small.data.fill(255);
    writeFileSync(path.join(dir, 'labels', name), PNG.sync.write(small, { colorType: 0 }));
    const json = path.join(dir, 'out.json');
    const run = await runEval(['--images', path.join(dir, 'images'), '--labels', path.join(dir, 'labels'), '--json', json]);
    expect(run.code, explain(run)).toBe(1);
    expect(run.stderr).toContain(`${path.join(dir, 'labels', name)}: label is 100x80 but its image is 480x360`);
    expect(existsSync(json)).toBe(false);
  }, RUN_TIMEOUT_MS);

  test('a 16-bit label fails with exit 1, naming the file and its bit depth (a canvas would read its ids as 0)', async () => {
    const dir = path.join(tmp, 'sixteen-bit');
    mkdirSync(path.join(dir, 'images'), { recursive: true });
    mkdirSync(path.join(dir, 'labels'), { recursive: true });
    const name = readdirSync(IMAGES).sort()[0] as string;
    copyFileSync(path.join(IMAGES, name), path.join(dir, 'images', name));
    // The real label's ids, written as 16-bit samples: same values, another encoding.
    const real = PNG.sync.read(readFileSync(path.join(LABELS, name)));
    const ids = Array.from({ length: real.width * real.height }, (_, i) => real.data[4 * i] as number);
    writeFileSync(path.join(dir, 'labels', name), labelPng(real.width, real.height, ids, { colourType: 0, bitDepth: 16 }));
    const json = path.join(dir, 'out.json');
    const run = await runEval(['--images', path.join(dir, 'images'), '--labels', path.join(dir, 'labels'), '--json', json]);
    expect(run.code, explain(run)).toBe(1);
    expect(run.stderr).toContain(`${path.join(dir, 'labels', name)}: label PNG has bit depth 16`);
    expect(existsSync(json)).toBe(false);
  }, RUN_TIMEOUT_MS);

  test('a model outside models/ is handed to the worker; a corrupt one fails naming the file', async () => {
    const model = path.join(tmp, 'broken.onnx');
    writeFileSync(model, 'not an onnx graph');
    const run = await runEval(['--images', IMAGES, '--labels', LABELS, '--limit', '1', '--model', model]);
    expect(run.code, explain(run)).toBe(1);
    expect(run.stderr).toContain(`eval: error: model is corrupt or not the one its contract describes: ${model}`);
  }, RUN_TIMEOUT_MS);
});
