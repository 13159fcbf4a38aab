// A labelled sequence in the app (?seq=...&pace=every-frame) is scored frame by frame; its mIoU
// must match the eval CLI's on the same frames (same pipeline, same metric code).

import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { PROJECT_ROOT } from '../../tools/browser/index.ts';
import { AppPage, artifactPath } from './helpers/appPage.ts';
import { useAppServer, useBrowser } from './helpers/fixtures.ts';
import { describeRun, runEvalCli } from './helpers/evalCli.ts';

const SEQUENCE_DIR = path.join(PROJECT_ROOT, 'samples', 'data', 'camvid-val');
const FRAMES = 5;

const server = useAppServer();
const browser = useBrowser();
const tmp = mkdtempSync(path.join(tmpdir(), 'dashseg-app-accuracy-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let app: AppPage | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

interface Manifest {
  readonly frames: readonly { readonly name: string; readonly image: string; readonly label?: string }[];
}

/** Copies the first `n` frames of the manifest (the ones the app plays with ?limit=n) to images/ and labels/. */
function copyFirstFrames(n: number): { images: string; labels: string; names: string[] } {
  const manifest = JSON.parse(readFileSync(path.join(SEQUENCE_DIR, 'sequence.json'), 'utf8')) as Manifest;
  const images = path.join(tmp, 'images');
  const labels = path.join(tmp, 'labels');
  mkdirSync(images);
  mkdirSync(labels);
  const frames = manifest.frames.slice(0, n);
  for (const f of frames) {
    if (!f.label) throw new Error(`sequence.json: frame ${f.name} has no label`);
    // The CLI pairs <image name>.png with a label of the same stem.
    copyFileSync(path.join(SEQUENCE_DIR, f.image), path.join(images, path.basename(f.image)));
    copyFileSync(path.join(SEQUENCE_DIR, f.label), path.join(labels, `${path.parse(f.image).name}.png`));
  }
  return { images, labels, names: frames.map((f) => f.name) };
}

describe('labelled sequence accuracy', () => {
  test(`in-app mIoU over ${FRAMES} CamVid val frames matches the eval CLI`, async () => {
    app = await AppPage.open(browser(), server().url, `?seq=/samples/camvid-val/sequence.json&pace=every-frame&limit=${FRAMES}`, { name: 'sequence-accuracy' });
    const s = await app.waitForStats(
      `the sequence to end with ${FRAMES} scored frames`,
      (st) => st.source?.ended === true && st.scoredFrames >= FRAMES,
      { timeoutMs: 150_000 },
    );
    expect(s.source?.kind).toBe('sequence');
    expect(s.scoredFrames).toBe(FRAMES);
    expect(s.frames).toBe(FRAMES);
    expect(s.miou).not.toBeNull();
    expect(app.pageErrors).toEqual([]);
    await app.close();
    app = null;

    const { images, labels, names } = copyFirstFrames(FRAMES);
    const jsonOut = path.join(tmp, 'eval.json');
    const run = await runEvalCli(['--images', images, '--labels', labels, '--json', jsonOut], 170_000);
    expect(run.code, describeRun(run)).toBe(0);
    const cli = JSON.parse(readFileSync(jsonOut, 'utf8')) as { frames: number; miou: number | null; pixel_accuracy: number | null; per_class: Record<string, number | null> };
    expect(cli.frames).toBe(FRAMES);
    expect(cli.miou).not.toBeNull();

    const appMiou = s.miou as number;
    const cliMiou = cli.miou as number;
    const comparison = {
      frames: names,
      app: { miou: appMiou, pixelAccuracy: s.pixelAccuracy, perClassIou: s.perClassIou },
      cli: { miou: cliMiou, pixelAccuracy: cli.pixel_accuracy, perClassIou: cli.per_class },
      miouDiff: appMiou - cliMiou,
    };
    writeFileSync(artifactPath('sequence-accuracy.json'), JSON.stringify(comparison, null, 2));
    console.log(`[accuracy] ${FRAMES} frames: app mIoU ${appMiou.toFixed(3)} %, CLI ${cliMiou.toFixed(3)} % (Δ ${(appMiou - cliMiou).toFixed(3)}); pixel acc app ${s.pixelAccuracy?.toFixed(3)} %, CLI ${cli.pixel_accuracy?.toFixed(3)} %`);
    expect(Math.abs(appMiou - cliMiou), JSON.stringify(comparison)).toBeLessThanOrEqual(0.5);
    expect(Math.abs((s.pixelAccuracy ?? NaN) - (cli.pixel_accuracy ?? NaN))).toBeLessThanOrEqual(0.5);
    // A model that has learnt anything scores well above chance on CamVid (11 classes).
    expect(appMiou).toBeGreaterThan(20);
  }, 360_000);
});
