// Times the floating-object check (src/processing/floatingObjects.ts) in Node, as the postprocessing
// worker runs it: on the class maps a shipped model makes of the sample clip (onnxruntime-web wasm,
// frames decoded by ffmpeg and stretched to the model input), and on a made-up worst case (a map whose
// top half is a checkerboard of small floating cars). Prints the CPU model and load average with the
// figures: compare figures only within one run.
//
//   node_modules/.bin/tsx scripts/bench-floating-check.ts [--model fast|balanced|accurate] [--frames 60] [--repeat 20]

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-web';
import { classPlacement, FloatingObjectFilter } from '../src/processing/floatingObjects.ts';
import { findOutput, inputSize, parseModelContract } from '../src/processing/modelContract.ts';
import { rgbaToNchwFloat } from '../src/processing/preprocess.ts';
import { MODEL_ROLES, shippedModelByRole, shippedModelFile, type ModelRole } from '../src/processing/shippedModels.ts';

const { values } = parseArgs({ options: { model: { type: 'string', default: 'fast' }, frames: { type: 'string', default: '60' }, repeat: { type: 'string', default: '20' } } });
const role = values.model as ModelRole;
const frames = Number(values.frames);
const repeat = Number(values.repeat);
if (!(MODEL_ROLES as readonly string[]).includes(role) || !(frames > 0) || !(repeat > 0)) {
  throw new Error(`usage: --model ${MODEL_ROLES.join('|')} --frames N (> 0) --repeat N (> 0)`);
}

const ROOT = path.resolve(import.meta.dirname, '..');
const CLIP = path.join(ROOT, 'samples', 'data', 'solidWhiteRight.mp4');
const onnxFile = path.join(ROOT, shippedModelFile(shippedModelByRole(role)!.name));
const contract = parseModelContract(JSON.parse(readFileSync(onnxFile.replace(/\.onnx$/, '.json'), 'utf8')), onnxFile);
const { width, height } = inputSize(contract);
const output = findOutput(contract, 'classmap');
if (!output) throw new Error(`${onnxFile}: no classmap output`);
const [, mapH, mapW] = output.shape;

const decoded = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-i', CLIP, '-frames:v', String(frames), '-vf', `scale=${width}:${height}:flags=bilinear`, '-pix_fmt', 'rgba', '-f', 'rawvideo', 'pipe:1'], { maxBuffer: 1024 * 1024 * 1024 });
if (decoded.status !== 0) throw new Error(`ffmpeg could not decode ${CLIP}: ${decoded.stderr?.toString() ?? decoded.error?.message}`);
const frameBytes = width * height * 4;
const count = Math.floor(decoded.stdout.length / frameBytes);

ort.env.wasm.numThreads = 1;
const session = await ort.InferenceSession.create(new Uint8Array(readFileSync(onnxFile)), { executionProviders: ['wasm'] });
const maps: Uint8Array[] = [];
const input = new Float32Array(3 * width * height);
for (let i = 0; i < count; i++) {
  rgbaToNchwFloat(new Uint8Array(decoded.stdout.buffer, decoded.stdout.byteOffset + i * frameBytes, frameBytes), width, height, contract.input, input);
  const result = await session.run({ [contract.input.name]: new ort.Tensor('float32', input, [1, 3, height, width]) }, [output.name]);
  maps.push(Uint8Array.from(result[output.name]!.data as ArrayLike<number | bigint>, Number));
}
await session.release();

const placement = classPlacement(contract);
/** The worst case: road on the bottom half, sky above with a car on every other pixel of every other row. */
const worst = new Uint8Array(mapW * mapH).fill(placement.ground[0] ?? 0, (mapH >> 1) * mapW);
for (let y = 0; y < mapH >> 1; y += 2) for (let x = 0; x < mapW; x += 2) worst[y * mapW + x] = placement.onGround[0] ?? 0;

function time(source: readonly Uint8Array[]): { ms: number[]; regions: number } {
  const filter = new FloatingObjectFilter(placement);
  const scratch = new Uint8Array(mapW * mapH);
  const ms: number[] = [];
  let regions = 0;
  for (let r = 0; r < repeat; r++) {
    for (const map of source) {
      scratch.set(map);
      const t0 = performance.now();
      regions += filter.apply(scratch, mapW, mapH).regions;
      ms.push(performance.now() - t0);
    }
  }
  return { ms, regions: regions / repeat };
}

const stats = (ms: number[]): string => {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))] as number;
  return `mean ${(ms.reduce((a, b) => a + b, 0) / ms.length).toFixed(3)} ms, p50 ${at(0.5).toFixed(3)}, p95 ${at(0.95).toFixed(3)}, max ${at(1).toFixed(3)}`;
};

console.log(`CPU ${os.cpus()[0]?.model ?? 'unknown'} x${os.cpus().length}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, Node ${process.version}`);
console.log(`model ${role} (${path.basename(onnxFile)}): class map ${mapW}x${mapH}; ${count} frames of ${path.basename(CLIP)}, ${repeat} passes`);
const clip = time(maps);
console.log(`sample clip: ${stats(clip.ms)} per map; ${clip.regions} floating regions relabelled per pass`);
const bad = time([worst]);
console.log(`worst case (${bad.regions} floating regions in one map): ${stats(bad.ms)} per map`);
