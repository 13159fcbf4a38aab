// Objects in the sky on the real sample clip, with every shipped model (onnxruntime-web wasm in Node):
// in its first second an overhead billboard fills the top of the frame, and the models have painted
// its lit underside as a car (models/README.md, "Objects in the sky"). After the app's floating-object
// check (floatingObjects.ts, with the contract's placements) no car, person or bicyclist may be left in
// the top band of any frame looked at, and the cars on the road must all still be there.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { classPlacement, FloatingObjectFilter } from '../../../src/processing/floatingObjects.ts';
import { findOutput, inputSize, parseModelContract, type ModelContract } from '../../../src/processing/modelContract.ts';
import { rgbaToNchwFloat } from '../../../src/processing/preprocess.ts';
import { createNodeSession, ffmpegRaw, listContractFiles, ort, ROOT, SAMPLES_DATA_DIR } from './modelFiles.ts';

const CLIP = path.join(SAMPLES_DATA_DIR, 'solidWhiteRight.mp4');
/** The billboard's frames: every 5th of the first 2 s (25 fps), frame 0 first. */
const FRAMES = Array.from({ length: 11 }, (_, i) => 5 * i);
/** The top band, as in models/sky_check.py: above the sample clip's horizon (about 0.45 of the height). */
const TOP_BAND = 0.36;

/** The clip's FRAMES stretched to w x h as RGBA (the app stretches too: APP_RESIZE_MODE). */
function decodeFrames(w: number, h: number): Uint8Array[] {
  if (!existsSync(CLIP)) throw new Error(`${path.relative(ROOT, CLIP)} is missing: run \`npm run fetch-samples\` (npm test does this first)`);
  const select = `select='${FRAMES.map((n) => `eq(n\\,${n})`).join('+')}'`;
  const bytes = w * h * 4;
  const raw = ffmpegRaw(['-i', CLIP, '-vf', `${select},scale=${w}:${h}:flags=bilinear`, '-fps_mode', 'passthrough', '-pix_fmt', 'rgba', '-f', 'rawvideo', 'pipe:1'], bytes * FRAMES.length, path.relative(ROOT, CLIP));
  return FRAMES.map((_, i) => raw.subarray(i * bytes, (i + 1) * bytes));
}

interface FrameMaps {
  readonly width: number;
  readonly height: number;
  /** Per frame: the model's class map as it is, and after the check. */
  readonly raw: Uint8Array[];
  readonly checked: Uint8Array[];
}

async function classMaps(contract: ModelContract, onnxPath: string, frames: Uint8Array[]): Promise<FrameMaps> {
  const session = await createNodeSession(new Uint8Array(readFileSync(onnxPath)));
  const { height, width } = inputSize(contract);
  const output = findOutput(contract, 'classmap');
  if (!output) throw new Error(`${contract.name}: no classmap output`);
  const [, mapH, mapW] = output.shape;
  const filter = new FloatingObjectFilter(classPlacement(contract));
  const raw: Uint8Array[] = [];
  const checked: Uint8Array[] = [];
  try {
    for (const rgba of frames) {
      const input = new Float32Array(3 * width * height);
      rgbaToNchwFloat(rgba, width, height, contract.input, input);
      const result = await session.run({ [contract.input.name]: new ort.Tensor('float32', input, [1, 3, height, width]) }, [output.name]);
      const map = Uint8Array.from(result[output.name]!.data as ArrayLike<number | bigint>, Number);
      raw.push(map.slice());
      filter.apply(map, mapW, mapH);
      checked.push(map);
    }
  } finally {
    await session.release();
  }
  return { width: mapW, height: mapH, raw, checked };
}

const count = (map: Uint8Array, ids: ReadonlySet<number>, from: number, to: number): number => {
  let n = 0;
  for (let i = from; i < to; i++) if (ids.has(map[i] as number)) n++;
  return n;
};

describe.each(listContractFiles().map((c) => [c.source, c] as const))('%s on the sample clip\'s billboard', (_source, file) => {
  const contract = parseModelContract(file.json, file.source);
  const placement = classPlacement(contract);
  const standing = new Set(placement.onGround);
  let maps: FrameMaps;

  beforeAll(async () => {
    const { height, width } = inputSize(contract);
    maps = await classMaps(contract, file.onnxPath, decodeFrames(width, height));
  }, 120_000);

  it('has a placement for its classes (the check is on in the app)', () => {
    expect(placement.ground.length).toBeGreaterThan(0);
    expect(placement.onGround.length).toBeGreaterThan(0);
  });

  it('leaves no car, person or bicyclist in the top band after the check, and every one below it', () => {
    const band = Math.round(TOP_BAND * maps.height) * maps.width;
    const n = maps.width * maps.height;
    const report = FRAMES.map((frame, i) => ({
      frame,
      topBefore: count(maps.raw[i]!, standing, 0, band),
      topAfter: count(maps.checked[i]!, standing, 0, band),
      belowBefore: count(maps.raw[i]!, standing, band, n),
      belowAfter: count(maps.checked[i]!, standing, band, n),
    }));
    console.log(`${contract.name}: class-map pixels of ${placement.onGround.length} on-ground classes per frame (top band before → after; below):`,
      report.map((r) => `${r.frame}: ${r.topBefore}→${r.topAfter}; ${r.belowBefore}→${r.belowAfter}`).join(' | '));
    for (const r of report) {
      expect(r.topAfter, `frame ${r.frame}: on-ground classes left in the top band`).toBe(0);
      expect(r.belowAfter, `frame ${r.frame}: on-ground classes below the top band changed`).toBe(r.belowBefore);
    }
    // The cars on the road are seen in every frame (the check has something to leave alone).
    for (const r of report) expect(r.belowBefore, `frame ${r.frame}`).toBeGreaterThan(0);
  });
});
