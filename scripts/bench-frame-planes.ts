// Times framePlanesToNchwFloat (src/processing/framePlanesToTensor.ts) in Node: synthetic frames of
// common sizes and formats → the 480x360 model input, one reused scratch, as the worker runs it.
// Prints the CPU model and load average with the figures: compare figures only within one run.
//
//   node_modules/.bin/tsx scripts/bench-frame-planes.ts [--runs 40] [--filter area|bilinear]

import os from 'node:os';
import { parseArgs } from 'node:util';
import {
  framePlanesToNchwFloat,
  FramePlanesScratch,
  type FramePlanes,
  type ResampleFilter,
} from '../src/processing/framePlanesToTensor.ts';
import type { InputNormalisation } from '../src/processing/modelContract.ts';
import { rgbaToNchwFloat } from '../src/processing/preprocess.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '40' }, filter: { type: 'string', default: 'area' } } });
const runs = Number(values.runs);
const filter = values.filter as ResampleFilter;
if (!(runs > 0) || !['area', 'bilinear'].includes(filter)) throw new Error('usage: --runs N (> 0) --filter area|bilinear');

const OUT_W = 480;
const OUT_H = 360;
const NORM: InputNormalisation = { channelOrder: 'RGB', scale: 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };
const SIZES = [[960, 540], [1280, 720], [1920, 1080], [3840, 2160]] as const;
const FORMATS = ['I420', 'NV12', 'RGBA'] as const;

/** A tight layout of `format` with pseudo-random bytes (the content does not change the work done). */
function syntheticFrame(format: (typeof FORMATS)[number], width: number, height: number): { pixels: Uint8Array; frame: FramePlanes } {
  const cw = (width + 1) >> 1;
  const ch = (height + 1) >> 1;
  const luma = width * height;
  const length = format === 'RGBA' ? 4 * luma : luma + 2 * cw * ch;
  const pixels = new Uint8Array(length);
  for (let i = 0; i < length; i++) pixels[i] = Math.imul(i, 2654435761) >>> 24;
  const planes = format === 'I420'
    ? [{ offset: 0, stride: width }, { offset: luma, stride: cw }, { offset: luma + cw * ch, stride: cw }]
    : format === 'NV12'
      ? [{ offset: 0, stride: width }, { offset: luma, stride: 2 * cw }]
      : [{ offset: 0, stride: 4 * width }];
  return { pixels, frame: { format, width, height, planes } };
}

function time(fn: () => void): { p50: number; min: number; cpu: number } {
  for (let i = 0; i < 5; i++) fn(); // warm up the JIT and the scratch tables
  const wall: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    wall.push(performance.now() - t0);
  }
  const cpu = process.cpuUsage(cpu0);
  wall.sort((a, b) => a - b);
  return { p50: wall[wall.length >> 1] as number, min: wall[0] as number, cpu: (cpu.user + cpu.system) / 1000 / runs };
}

console.log(`${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, ` +
  `Node ${process.version}, ${runs} runs, filter ${filter}`);
const out = new Float32Array(3 * OUT_W * OUT_H);
for (const format of FORMATS) {
  for (const [width, height] of SIZES) {
    const { pixels, frame } = syntheticFrame(format, width, height);
    const scratch = new FramePlanesScratch();
    const t = time(() => framePlanesToNchwFloat(pixels, frame, { width: OUT_W, height: OUT_H, norm: NORM, filter }, out, scratch));
    console.log(`${format.padEnd(4)} ${`${width}x${height}`.padStart(9)} → ${OUT_W}x${OUT_H}: p50 ${t.p50.toFixed(2)} ms, ` +
      `min ${t.min.toFixed(2)} ms, CPU ${t.cpu.toFixed(2)} ms per frame`);
  }
}
const rgba = syntheticFrame('RGBA', OUT_W, OUT_H).pixels;
const t = time(() => rgbaToNchwFloat(rgba, OUT_W, OUT_H, NORM, out));
console.log(`for scale: rgbaToNchwFloat alone (today's normalisation of a ${OUT_W}x${OUT_H} RGBA copy): p50 ${t.p50.toFixed(2)} ms`);
